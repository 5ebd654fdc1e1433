/* The per-character work of termnorm, in C: folding, the automaton scan, quotation regions and
 * the letter counts of language detection.
 *
 * Every function here has a pure-Python twin that defines what it must do (fold.py, matcher.py,
 * quotes.py, script.py); the tests compare the two on real and random text. The tables come
 * from Python (see _native.py), so no folding rule is written twice: this file only walks them.
 * A text this file cannot fold exactly as Python does (a word mixing Latin and Cyrillic letters,
 * or a character the table folds into several) makes fold() return None, and the caller takes
 * the Python path for it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define HAVE_SSE2 1
#endif

#define TABLE_SIZE 0x20000 /* code points with a table entry: planes 0 and 1 */

/* cls: what a code point is, for folding and matching */
enum {
    C_DELETE = 1,  /* deleted before matching (original text) */
    C_EXPAND = 2,  /* folds into several characters (original text) */
    C_WORD = 4,    /* continues a word of a spaced script (fold.is_word_char) */
    C_CJK = 8,     /* Han, kana or CJK punctuation (fold._is_cjk) */
    C_GAP = 16,    /* may stand either side of a stray space in Chinese (fold._GAP_CLASS) */
    C_DIGIT = 32,  /* str.isdigit */
    C_UNFIT = 64,  /* the table folds it into several characters */
    C_ALNUM = 128, /* str.isalnum */
};

/* lcls: what a code point tells of the language (script.py) */
enum {
    L_SCRIPT = 7, /* 1 latin, 2 cyrillic, 3 arabic, 4 kana, 5 han */
    L_TRAD = 8,   /* folded by the Han table */
    L_SIMP = 16,  /* a result of the Han table that it does not fold */
    L_UYGHUR = 32,
    L_KK_ONLY = 64,
    L_UG_KK = 128,
    L_ZHE = 256,
    L_KY = 512,
    L_WORD = 1024,     /* a letter of a word for the stop words: [^\W\d_] */
    L_STOPCHAR = 2048, /* its lower case is a letter of some stop word */
};
#define N_SCRIPTS 5
#define N_STOP_LANGS 8
#define STOP_MAX 12
#define STOP_SLOTS 1024
#define STOP_SEED 2166136261u
#define STOP_STEP(h, c) (((h) ^ (uint32_t)(c)) * 16777619u)
#define STOP_HOME(h, len) (((((h) ^ (uint32_t)(len)) * 0x9E3779B1u) >> 22) & (STOP_SLOTS - 1))

/* key flags */
enum { K_START = 1, K_END = 2, K_STEM = 4, K_DYNAMIC = 8 };

typedef struct {
    PyObject_HEAD
    PyObject *args; /* the constructor's arguments, for pickling */
    uint32_t *lut;
    uint8_t *cls;
    uint16_t *lcls;
    PyObject *astral;      /* dict: code point -> folded code point, beyond the table */
    PyObject *astral_lang; /* dict: code point -> lcls flags, beyond the table */
    PyObject *expand;      /* dict: code point -> str */
    PyObject *statics;     /* list: per key, (terms, ambiguous) or None when checked in Python */
    PyObject *rules;       /* list: per key, None or a tuple of term rules (see check_terms) */
    /* automaton */
    int32_t nstates, capstates;
    int32_t *fail, *out_key, *dict_link, *first_child, *next_sibling;
    uint32_t *edge;
    int32_t *root;
    uint64_t *hkeys;
    int32_t *hvals;
    size_t hcap, hcount;
    int32_t nrows;   /* states 0 .. nrows-1 have a row of `dense` (their own number) */
    int32_t maxlen;  /* the longest key */
    /* characters folded one to one into something other than a space or a Cyrillic letter: a
       byte per ASCII character, a bit per other character of the table */
    uint8_t plain[128], plain_bits[TABLE_SIZE / 8];
    int32_t *dense;  /* rows of 128: the full transition (failures resolved) on an ASCII character */
    int32_t *report; /* per state: the first state of its output chain (itself or a dictionary link), or -1 */
    int32_t nkeys;
    int32_t *klen;
    uint8_t *kflags;
    int calls_back; /* some key's checks are left to Python (it needs the whole folded text) */
    /* stop words */
    int nstop, stop_longest; /* how many stop words, and the longest one's length */
    Py_UCS4 stop[256][STOP_MAX];
    int stoplen[256];
    int stoplang[256];
    int16_t stop_slot[STOP_SLOTS];      /* hash table of the distinct stop words: index in `stop`, or -1 */
    uint8_t stop_hits[256][N_STOP_LANGS]; /* per distinct stop word: how often each language lists it */
} Core;

/* ---------------------------------------------------------------- helpers */

static inline int is_han_cp(Py_UCS4 c) {
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

static inline uint8_t cls_of(const Core *self, Py_UCS4 c) {
    if (c < TABLE_SIZE) return self->cls[c];
    uint8_t out = 0;
    int han = is_han_cp(c);
    int alnum = Py_UNICODE_ISALNUM(c);
    if (alnum) out |= C_ALNUM;
    if ((alnum && !han) || (c >= 0xE0100 && c <= 0xE01EF)) out |= C_WORD;
    if (han) out |= C_CJK | C_GAP;
    if (Py_UNICODE_ISDIGIT(c)) out |= C_DIGIT;
    return out;
}

#define WORD(c) (cls_of(self, (c)) & C_WORD)

/* M(the code unit type) for a string of this kind: a loop specialised for each width */
#define BY_WIDTH(kind, M)                                                                                              \
    do {                                                                                                               \
        if ((kind) == PyUnicode_1BYTE_KIND)                                                                            \
            M(Py_UCS1);                                                                                                \
        else if ((kind) == PyUnicode_2BYTE_KIND)                                                                       \
            M(Py_UCS2);                                                                                                \
        else                                                                                                           \
            M(Py_UCS4);                                                                                                \
    } while (0)

/* the value of code point c in a dict keyed by code points (borrowed), or NULL: not there, or
   an error (PyErr_Occurred tells) */
static PyObject *by_code_point(PyObject *dict, Py_UCS4 c) {
    PyObject *key = PyLong_FromUnsignedLong(c);
    if (key == NULL) return NULL;
    PyObject *v = PyDict_GetItemWithError(dict, key);
    Py_DECREF(key);
    return v;
}

static int fold_astral(Core *self, Py_UCS4 c, Py_UCS4 *out) {
    PyObject *v = by_code_point(self->astral, c);
    if (v == NULL) {
        if (PyErr_Occurred()) return -1;
        *out = c;
        return 0;
    }
    *out = (Py_UCS4)PyLong_AsUnsignedLong(v);
    return PyErr_Occurred() ? -1 : 0;
}

static int read_bytes(PyObject *obj, void *dst, size_t size, const char *what) {
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0) return -1;
    if ((size_t)view.len != size) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zu bytes, got %zd", what, size, view.len);
        PyBuffer_Release(&view);
        return -1;
    }
    memcpy(dst, view.buf, size);
    PyBuffer_Release(&view);
    return 0;
}

/* ---------------------------------------------------------------- growing arrays */

/* `items` (n used of *cap, each `size` bytes) with room for one more: the same pointer, or a
 * larger copy (*cap doubled, from `first`); NULL with MemoryError, `items` left as it was. */
static void *room_for_one(void *items, Py_ssize_t n, Py_ssize_t *cap, size_t size, Py_ssize_t first) {
    if (n < *cap) return items;
    Py_ssize_t grown = *cap ? *cap * 2 : first;
    void *p = PyMem_Realloc(items, (size_t)grown * size);
    if (p == NULL) return PyErr_NoMemory(), NULL;
    *cap = grown;
    return p;
}

/* ---------------------------------------------------------------- automaton */

static inline size_t hslot(uint64_t k, size_t mask) { return (size_t)((k * 0x9E3779B97F4A7C15ULL) >> 20) & mask; }

static inline int32_t go(const Core *self, int32_t state, Py_UCS4 c) {
    if (state == 0 && c < TABLE_SIZE) return self->root[c];
    if (self->hcap == 0) return -1;
    uint64_t k = ((uint64_t)(uint32_t)state << 21) | c;
    size_t mask = self->hcap - 1, i = hslot(k, mask);
    for (;;) {
        if (self->hvals[i] < 0) return -1;
        if (self->hkeys[i] == k) return self->hvals[i];
        i = (i + 1) & mask;
    }
}

static int hput(Core *self, int32_t state, Py_UCS4 c, int32_t next) {
    if (state == 0 && c < TABLE_SIZE) {
        self->root[c] = next;
        return 0;
    }
    if ((self->hcount + 1) * 2 > self->hcap) {
        size_t ncap = self->hcap ? self->hcap * 2 : 1024;
        uint64_t *nk = PyMem_Calloc(ncap, sizeof(uint64_t));
        int32_t *nv = PyMem_Malloc(ncap * sizeof(int32_t));
        if (nk == NULL || nv == NULL) {
            PyMem_Free(nk);
            PyMem_Free(nv);
            PyErr_NoMemory();
            return -1;
        }
        for (size_t i = 0; i < ncap; i++) nv[i] = -1;
        for (size_t i = 0; i < self->hcap; i++) {
            if (self->hvals[i] < 0) continue;
            size_t j = hslot(self->hkeys[i], ncap - 1);
            while (nv[j] >= 0) j = (j + 1) & (ncap - 1);
            nk[j] = self->hkeys[i];
            nv[j] = self->hvals[i];
        }
        PyMem_Free(self->hkeys);
        PyMem_Free(self->hvals);
        self->hkeys = nk;
        self->hvals = nv;
        self->hcap = ncap;
    }
    uint64_t k = ((uint64_t)(uint32_t)state << 21) | c;
    size_t mask = self->hcap - 1, i = hslot(k, mask);
    while (self->hvals[i] >= 0) i = (i + 1) & mask;
    self->hkeys[i] = k;
    self->hvals[i] = next;
    self->hcount++;
    return 0;
}

static int32_t new_state(Core *self) {
    if (self->nstates == self->capstates) {
        int32_t cap = self->capstates ? self->capstates * 2 : 1024;
        int32_t **arrays[] = {&self->fail, &self->out_key, &self->dict_link, &self->first_child, &self->next_sibling};
        for (size_t a = 0; a < 5; a++) {
            int32_t *p = PyMem_Realloc(*arrays[a], (size_t)cap * sizeof(int32_t));
            if (p == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            *arrays[a] = p;
        }
        uint32_t *e = PyMem_Realloc(self->edge, (size_t)cap * sizeof(uint32_t));
        if (e == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        self->edge = e;
        self->capstates = cap;
    }
    int32_t s = self->nstates++;
    self->fail[s] = 0;
    self->out_key[s] = -1;
    self->dict_link[s] = -1;
    self->first_child[s] = -1;
    self->next_sibling[s] = -1;
    self->edge[s] = 0;
    return s;
}

#define MAX_ROWS 8192

/* the automaton's transition from state s on c, failures followed */
static inline int32_t step(const Core *self, int32_t s, Py_UCS4 c) {
    for (;;) {
        if (c < 128 && s < self->nrows) {
            /* rows are filled in BFS order: only read rows already complete */
            return self->dense[(size_t)s * 128 + c];
        }
        int32_t t = go(self, s, c);
        if (t >= 0) return t;
        if (s == 0) return 0;
        s = self->fail[s];
    }
}

/* give every state s the number perm[s]: the links, the outputs and the transitions */
static int renumber(Core *self, const int32_t *perm) {
    int32_t n = self->nstates;
    int32_t *fail = PyMem_Malloc((size_t)n * sizeof(int32_t)), *out = PyMem_Malloc((size_t)n * sizeof(int32_t)),
            *link = PyMem_Malloc((size_t)n * sizeof(int32_t));
    uint64_t *hkeys = PyMem_Calloc(self->hcap ? self->hcap : 1, sizeof(uint64_t));
    int32_t *hvals = PyMem_Malloc((self->hcap ? self->hcap : 1) * sizeof(int32_t));
    if (!fail || !out || !link || !hkeys || !hvals) {
        PyMem_Free(fail);
        PyMem_Free(out);
        PyMem_Free(link);
        PyMem_Free(hkeys);
        PyMem_Free(hvals);
        PyErr_NoMemory();
        return -1;
    }
    for (int32_t s = 0; s < n; s++) {
        fail[perm[s]] = perm[self->fail[s]];
        out[perm[s]] = self->out_key[s];
        link[perm[s]] = self->dict_link[s] >= 0 ? perm[self->dict_link[s]] : -1;
    }
    for (size_t c = 0; c < TABLE_SIZE; c++)
        if (self->root[c] >= 0) self->root[c] = perm[self->root[c]];
    size_t mask = self->hcap - 1;
    for (size_t i = 0; i < self->hcap; i++) hvals[i] = -1;
    for (size_t i = 0; i < self->hcap; i++) {
        if (self->hvals[i] < 0) continue;
        uint64_t k = self->hkeys[i];
        uint64_t nk = ((uint64_t)(uint32_t)perm[k >> 21] << 21) | (k & 0x1FFFFF);
        size_t j = hslot(nk, mask);
        while (hvals[j] >= 0) j = (j + 1) & mask;
        hkeys[j] = nk;
        hvals[j] = perm[self->hvals[i]];
    }
    PyMem_Free(self->fail);
    PyMem_Free(self->out_key);
    PyMem_Free(self->dict_link);
    PyMem_Free(self->hkeys);
    PyMem_Free(self->hvals);
    self->fail = fail;
    self->out_key = out;
    self->dict_link = link;
    self->hkeys = hkeys;
    self->hvals = hvals;
    return 0;
}

static int build_automaton(Core *self, PyObject *keys) {
    self->root = PyMem_Malloc(TABLE_SIZE * sizeof(int32_t));
    if (self->root == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < TABLE_SIZE; i++) self->root[i] = -1;
    if (new_state(self) < 0) return -1;
    Py_ssize_t nkeys = PyList_GET_SIZE(keys);
    self->nkeys = (int32_t)nkeys;
    self->klen = PyMem_Malloc((size_t)(nkeys + 1) * sizeof(int32_t));
    if (self->klen == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t kid = 0; kid < nkeys; kid++) {
        PyObject *key = PyList_GET_ITEM(keys, kid);
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "keys must be str");
            return -1;
        }
        Py_ssize_t n = PyUnicode_GET_LENGTH(key);
        int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        self->klen[kid] = (int32_t)n;
        if (n > self->maxlen) self->maxlen = (int32_t)n;
        int32_t s = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            int32_t t = go(self, s, c);
            if (t < 0) {
                t = new_state(self);
                if (t < 0 || hput(self, s, c, t) < 0) return -1;
                self->edge[t] = c;
                self->next_sibling[t] = self->first_child[s];
                self->first_child[s] = t;
            }
            s = t;
        }
        if (n > 0) self->out_key[s] = (int32_t)kid;
    }
    /* failure and dictionary links, breadth first */
    int32_t *queue = PyMem_Malloc((size_t)self->nstates * sizeof(int32_t));
    if (queue == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    int32_t head = 0, tail = 0;
    for (int32_t c = self->first_child[0]; c >= 0; c = self->next_sibling[c]) {
        self->fail[c] = 0;
        queue[tail++] = c;
    }
    while (head < tail) {
        int32_t s = queue[head++];
        for (int32_t c = self->first_child[s]; c >= 0; c = self->next_sibling[c]) {
            Py_UCS4 ch = self->edge[c];
            int32_t f = self->fail[s], g;
            while ((g = go(self, f, ch)) < 0 && f != 0) f = self->fail[f];
            self->fail[c] = (g >= 0 && g != c) ? g : 0;
            int32_t fc = self->fail[c];
            self->dict_link[c] = self->out_key[fc] >= 0 ? fc : self->dict_link[fc];
            queue[tail++] = c;
        }
    }
    /* renumber the states: the root, then those given a dense row (the ASCII-reached states
       nearest the root, BFS order), then the rest (BFS order). A state's number is then its row,
       and the scan tells a row by comparing, without a load. */
    int32_t n = self->nstates, nrows = 1;
    int32_t *perm = PyMem_Malloc((size_t)n * sizeof(int32_t));
    if (perm == NULL) {
        PyMem_Free(queue);
        PyErr_NoMemory();
        return -1;
    }
    perm[0] = 0;
    for (int32_t q = 0; q < tail; q++) perm[queue[q]] = -1;
    for (int32_t q = 0; q < tail && nrows < MAX_ROWS; q++)
        if (self->edge[queue[q]] < 128) perm[queue[q]] = nrows++;
    for (int32_t q = 0, next = nrows; q < tail; q++)
        if (perm[queue[q]] < 0) perm[queue[q]] = next++;
    if (renumber(self, perm) < 0) {
        PyMem_Free(perm);
        PyMem_Free(queue);
        return -1;
    }
    PyMem_Free(perm);
    /* report chains */
    self->report = PyMem_Malloc((size_t)n * sizeof(int32_t));
    self->dense = PyMem_Malloc((size_t)nrows * 128 * sizeof(int32_t));
    if (self->report == NULL || self->dense == NULL) {
        PyMem_Free(queue);
        PyErr_NoMemory();
        return -1;
    }
    for (int32_t st = 0; st < n; st++) self->report[st] = self->out_key[st] >= 0 ? st : self->dict_link[st];
    /* dense rows, in BFS order, so a state's failure target (nearer the root) is filled in before it */
    for (Py_UCS4 c = 0; c < 128; c++) self->dense[c] = self->root[c] >= 0 ? self->root[c] : 0;
    self->nrows = 1;
    for (int32_t st = 1; st < nrows; st++) {
        for (Py_UCS4 c = 0; c < 128; c++) {
            int32_t t = go(self, st, c);
            self->dense[(size_t)st * 128 + c] = t >= 0 ? t : step(self, self->fail[st], c);
        }
        self->nrows = st + 1;
    }
    PyMem_Free(queue);
    /* no longer needed after the build */
    PyMem_Free(self->first_child);
    PyMem_Free(self->next_sibling);
    PyMem_Free(self->edge);
    self->first_child = self->next_sibling = NULL;
    self->edge = NULL;
    return 0;
}

/* ---------------------------------------------------------------- object */

static void Core_dealloc(Core *self) {
    Py_XDECREF(self->args);
    Py_XDECREF(self->astral);
    Py_XDECREF(self->astral_lang);
    Py_XDECREF(self->expand);
    Py_XDECREF(self->statics);
    Py_XDECREF(self->rules);
    PyMem_Free(self->lut);
    PyMem_Free(self->cls);
    PyMem_Free(self->lcls);
    PyMem_Free(self->fail);
    PyMem_Free(self->out_key);
    PyMem_Free(self->dict_link);
    PyMem_Free(self->first_child);
    PyMem_Free(self->next_sibling);
    PyMem_Free(self->edge);
    PyMem_Free(self->root);
    PyMem_Free(self->hkeys);
    PyMem_Free(self->hvals);
    PyMem_Free(self->klen);
    PyMem_Free(self->kflags);
    PyMem_Free(self->dense);
    PyMem_Free(self->report);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Core(lut, cls, lcls, astral, astral_lang, expand, keys, kflags, statics, stopwords) */
static int Core_init(Core *self, PyObject *args, PyObject *kwds) {
    PyObject *lut, *cls, *lcls, *astral, *astral_lang, *expand, *keys, *kflags, *statics, *stopwords, *rules;
    if (!PyArg_ParseTuple(args, "OOOO!O!O!O!OO!O!O!:Core", &lut, &cls, &lcls, &PyDict_Type, &astral, &PyDict_Type,
                          &astral_lang, &PyDict_Type, &expand, &PyList_Type, &keys, &kflags, &PyList_Type, &statics,
                          &PyList_Type, &stopwords, &PyList_Type, &rules))
        return -1;
    if (PyList_GET_SIZE(rules) != PyList_GET_SIZE(keys)) {
        PyErr_SetString(PyExc_ValueError, "one rule entry per key");
        return -1;
    }
    if (self->args != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Core is initialised once");
        return -1;
    }
    if (PyList_GET_SIZE(statics) != PyList_GET_SIZE(keys)) {
        PyErr_SetString(PyExc_ValueError, "one static entry per key");
        return -1;
    }
    self->lut = PyMem_Malloc(TABLE_SIZE * sizeof(uint32_t));
    self->cls = PyMem_Malloc(TABLE_SIZE);
    self->lcls = PyMem_Malloc(TABLE_SIZE * sizeof(uint16_t));
    Py_ssize_t nkeys = PyList_GET_SIZE(keys);
    self->kflags = PyMem_Malloc((size_t)nkeys + 1);
    if (!self->lut || !self->cls || !self->lcls || !self->kflags) {
        PyErr_NoMemory();
        return -1;
    }
    if (read_bytes(lut, self->lut, TABLE_SIZE * sizeof(uint32_t), "lut") < 0 ||
        read_bytes(cls, self->cls, TABLE_SIZE, "cls") < 0 ||
        read_bytes(lcls, self->lcls, TABLE_SIZE * sizeof(uint16_t), "lcls") < 0 ||
        read_bytes(kflags, self->kflags, (size_t)nkeys, "kflags") < 0)
        return -1;
    memset(self->plain_bits, 0, sizeof(self->plain_bits));
    for (Py_UCS4 c = 0; c < TABLE_SIZE; c++) {
        int plain = !(self->cls[c] & (C_UNFIT | C_DELETE | C_EXPAND)) && self->lut[c] != ' ' &&
                    !(self->lut[c] >= 0x430 && self->lut[c] <= 0x4FF);
        if (c < 128) self->plain[c] = (uint8_t)plain;
        if (plain) self->plain_bits[c >> 3] |= (uint8_t)(1 << (c & 7));
    }
    Py_INCREF(astral);
    self->astral = astral;
    Py_INCREF(astral_lang);
    self->astral_lang = astral_lang;
    Py_INCREF(expand);
    self->expand = expand;
    Py_INCREF(statics);
    self->statics = statics;
    Py_INCREF(rules);
    self->rules = rules;
    self->calls_back = 0;
    for (Py_ssize_t k = 0; k < nkeys; k++)
        if ((self->kflags[k] & K_DYNAMIC) && PyList_GET_ITEM(rules, k) == Py_None) self->calls_back = 1;
    Py_ssize_t nstop = PyList_GET_SIZE(stopwords);
    if (nstop > 256) nstop = 256;
    for (Py_ssize_t i = 0; i < nstop; i++) {
        PyObject *word;
        int lang;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(stopwords, i), "Ui", &word, &lang)) return -1;
        Py_ssize_t n = PyUnicode_GET_LENGTH(word);
        if (n > STOP_MAX || lang < 0 || lang >= N_STOP_LANGS) {
            PyErr_SetString(PyExc_ValueError, "stop word too long or language out of range");
            return -1;
        }
        for (Py_ssize_t j = 0; j < n; j++) self->stop[i][j] = PyUnicode_READ_CHAR(word, j);
        self->stoplen[i] = (int)n;
        self->stoplang[i] = lang;
    }
    self->nstop = (int)nstop;
    self->stop_longest = 0;
    for (int i = 0; i < self->nstop; i++)
        if (self->stoplen[i] > self->stop_longest) self->stop_longest = self->stoplen[i];
    /* a hash table of the distinct words, each with the languages that list it */
    for (int i = 0; i < STOP_SLOTS; i++) self->stop_slot[i] = -1;
    memset(self->stop_hits, 0, sizeof(self->stop_hits));
    for (int i = 0; i < self->nstop; i++) {
        uint32_t h = STOP_SEED;
        for (int j = 0; j < self->stoplen[i]; j++) h = STOP_STEP(h, self->stop[i][j]);
        for (uint32_t sl = STOP_HOME(h, self->stoplen[i]);; sl = (sl + 1) & (STOP_SLOTS - 1)) {
            int16_t j = self->stop_slot[sl];
            if (j < 0) {
                self->stop_slot[sl] = (int16_t)i;
                self->stop_hits[i][self->stoplang[i]] = 1;
                break;
            }
            if (self->stoplen[j] == self->stoplen[i] &&
                memcmp(self->stop[j], self->stop[i], (size_t)self->stoplen[i] * sizeof(Py_UCS4)) == 0) {
                self->stop_hits[j][self->stoplang[i]]++;
                break;
            }
        }
    }
    if (build_automaton(self, keys) < 0) return -1;
    self->args = args;
    Py_INCREF(args);
    return 0;
}

static PyObject *Core_reduce(Core *self, PyObject *unused) {
    if (self->args == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Core is not initialised");
        return NULL;
    }
    return Py_BuildValue("(OO)", (PyObject *)Py_TYPE(self), self->args);
}

/* ---------------------------------------------------------------- fold */

typedef struct {
    Py_ssize_t start, end;
    Py_UCS4 repl[4]; /* replacement (the expansions are at most 3 characters; " " for space runs) */
    int nrepl;
} Edit;

typedef struct {
    Edit *items;
    Py_ssize_t n, cap;
} Edits;

static int edits_push(Edits *e, Py_ssize_t start, Py_ssize_t end, const Py_UCS4 *repl, int nrepl) {
    Edit *p = room_for_one(e->items, e->n, &e->cap, sizeof(Edit), 64);
    if (p == NULL) return -1;
    e->items = p;
    Edit *x = &e->items[e->n++];
    x->start = start;
    x->end = end;
    x->nrepl = nrepl;
    for (int i = 0; i < nrepl && i < 4; i++) x->repl[i] = repl[i];
    return 0;
}

static int edit_cmp(const void *a, const void *b) {
    const Edit *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    /* then by replacement, as Python compares str */
    for (int i = 0; i < x->nrepl && i < y->nrepl; i++)
        if (x->repl[i] != y->repl[i]) return x->repl[i] < y->repl[i] ? -1 : 1;
    return x->nrepl < y->nrepl ? -1 : (x->nrepl > y->nrepl ? 1 : 0);
}

static inline int is_cjk(const Core *self, int has, Py_UCS4 c) { return has && (cls_of(self, c) & C_CJK); }

/* fold._joins, with has_* false for the empty string */
static int joins(const Core *self, int has2, Py_UCS4 before2, Py_UCS4 before, Py_UCS4 after) {
    if (is_cjk(self, 1, before)) return is_cjk(self, 1, after) || after == '.' || (cls_of(self, after) & C_DIGIT);
    if (before == '.')
        return is_cjk(self, 1, after) || after == '.' ||
               ((cls_of(self, after) & C_DIGIT) && has2 && ((cls_of(self, before2) & C_DIGIT) || is_cjk(self, 1, before2)));
    return (cls_of(self, before) & C_DIGIT) && (is_cjk(self, 1, after) || after == '.');
}

/* fold._char_before: the last non-space character before pos */
static int char_before(const Py_UCS4 *flat, Py_ssize_t pos, Py_UCS4 *out) {
    pos -= 1;
    while (pos >= 0 && flat[pos] == ' ') pos--;
    if (pos < 0) return 0;
    *out = flat[pos];
    return 1;
}

typedef struct {
    Py_UCS4 *text; /* folded */
    Py_ssize_t len;
    int32_t *map;     /* 2 * len: original start and end of each folded character (the general fold) */
    int32_t *anchors; /* or, from the one-pass fold, the anchors of an OffMap (see below) */
    Py_ssize_t nanchors;
} FoldOut;

/* Where each folded character comes from in the original text: its start and end there.
 * Either `pairs` (two numbers per folded character) or `anchors`: the (position, start, end) of
 * each folded character that does not follow on from the one before it (its start is not the
 * previous one's end, or it is not one character long), in order; every other character starts
 * where the previous one ended and is one long. No pairs and no anchors: the identity. Twelve
 * bytes per paragraph break instead of eight per character. */
typedef struct {
    const int32_t *pairs;
    const int32_t *anchors;
    Py_ssize_t nanchors;
} OffMap;

/* How many anchors stand at or before folded position o, counted on from `from` (a count known
   not to pass o): a few steps forwards (the matches of a text come in order), then by halves. */
static Py_ssize_t anchors_upto(const OffMap *m, Py_ssize_t o, Py_ssize_t from) {
    Py_ssize_t lo = from, hi = m->nanchors;
    for (int k = 0; k < 8 && lo < hi; k++, lo++)
        if (m->anchors[3 * lo] > o) return lo;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (m->anchors[3 * mid] <= o)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* a count of anchors known not to pass folded position o, which is near the end of them (a hit
   just found): galloping back from the last anchor */
static Py_ssize_t anchors_before(const OffMap *m, Py_ssize_t o) {
    Py_ssize_t k = m->nanchors, step = 1;
    while (k > 0 && m->anchors[3 * (k - 1)] > o) {
        k = k > step ? k - step : 0;
        step *= 2;
    }
    return k;
}

/* the original start and end of folded position o; returns the anchors up to o (see anchors_upto) */
static Py_ssize_t off_pair(const OffMap *m, Py_ssize_t o, Py_ssize_t from, Py_ssize_t *s, Py_ssize_t *e) {
    if (m->pairs != NULL) {
        *s = m->pairs[2 * o];
        *e = m->pairs[2 * o + 1];
        return 0;
    }
    Py_ssize_t lo = anchors_upto(m, o, from);
    if (lo == 0) {
        *s = o;
        *e = o + 1;
        return lo;
    }
    const int32_t *a = m->anchors + 3 * (lo - 1);
    if (a[0] == o) {
        *s = a[1];
        *e = a[2];
    } else {
        *s = a[2] + (o - a[0] - 1);
        *e = *s + 1;
    }
    return lo;
}

/* the original start of folded position p (the text's length at the end), and the original end
   of the folded text up to p; from: as for anchors_upto (off_start moves it on to p) */
static Py_ssize_t off_start(const OffMap *m, Py_ssize_t p, Py_ssize_t n, Py_ssize_t orig_len, Py_ssize_t *from) {
    Py_ssize_t s, e;
    if (p >= n) return m->pairs == NULL && m->anchors == NULL ? p : orig_len;
    *from = off_pair(m, p, *from, &s, &e);
    return s;
}

static Py_ssize_t off_end(const OffMap *m, Py_ssize_t p, Py_ssize_t from) {
    Py_ssize_t s, e;
    if (p <= 0) return 0;
    off_pair(m, p - 1, from, &s, &e);
    return e;
}

/* the pairs of an OffMap of n folded characters (a new array), or NULL with MemoryError */
static int32_t *off_pairs(const OffMap *m, Py_ssize_t n) {
    int32_t *out = PyMem_Malloc((size_t)(2 * n + 2) * sizeof(int32_t));
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t k = 0, last_end = 0;
    for (Py_ssize_t o = 0; o < n; o++) {
        Py_ssize_t s, e;
        if (m->pairs != NULL) {
            s = m->pairs[2 * o];
            e = m->pairs[2 * o + 1];
        } else if (k < m->nanchors && m->anchors[3 * k] == o) {
            s = m->anchors[3 * k + 1];
            e = m->anchors[3 * k + 2];
            k++;
        } else {
            s = last_end;
            e = s + 1;
        }
        out[2 * o] = (int32_t)s;
        out[2 * o + 1] = (int32_t)e;
        last_end = e;
    }
    return out;
}

/* the expansion of c (the characters it folds into) in r, and how many; more than 4: 5 (r not
   filled); -1 error */
static int expansion(Core *self, Py_UCS4 c, Py_UCS4 *r) {
    PyObject *v = by_code_point(self->expand, c);
    if (v == NULL) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_KeyError, "expansion missing");
        return -1;
    }
    Py_ssize_t nr = PyUnicode_GET_LENGTH(v);
    if (nr > 4) return 5;
    for (Py_ssize_t j = 0; j < nr; j++) r[j] = PyUnicode_READ_CHAR(v, j);
    return (int)nr;
}

static int fold_general(Core *self, PyObject *text, FoldOut *out);

/* whether a folded Latin letter stands next to a Cyrillic one (a word mixing the two scripts) */
static int mixes_latin_cyrillic(const Py_UCS4 *t, Py_ssize_t n) {
    for (Py_ssize_t i = 1; i < n; i++) {
        Py_UCS4 a = t[i - 1], b = t[i];
        int la = a >= 'a' && a <= 'z', lb = b >= 'a' && b <= 'z';
        int ca = a >= 0x430 && a <= 0x4FF, cb = b >= 0x430 && b <= 0x4FF;
        if ((la && cb) || (ca && lb)) return 1;
    }
    return 0;
}

/* The common case in one pass: every character folded one to one, runs of spaces made one
 * space, soft hyphens inside words dropped, ligatures written out, and a space between two
 * characters that join (Chinese text, "7. 5") dropped, as the general fold below would. A
 * deletion or expansion next to a space or another one is left to the general fold, which
 * merges neighbouring edits. 0 done, 1 Python must fold it, 2 not that case, -1 error. */
/* one folded character from the original [s, e): an anchor unless it follows on */
#define EMIT(ch, s, e)                                                                                                 \
    do {                                                                                                               \
        res[o] = (ch);                                                                                                 \
        if ((Py_ssize_t)(s) != last_end || (Py_ssize_t)(e) != (Py_ssize_t)(s) + 1) {                                   \
            if (anchors_push(&an, o, (s), (e)) < 0) goto error;                                                        \
        }                                                                                                              \
        last_end = (e);                                                                                                \
        o++;                                                                                                           \
    } while (0)
#define FOLD_FAST(TYPE)                                                                                                \
    do {                                                                                                               \
        const TYPE *p_ = (const TYPE *)data;                                                                           \
        for (; i < lim; i++) {                                                                                         \
            Py_UCS4 c = p_[i], f;                                                                                      \
            if (c >= TABLE_SIZE) { /* beyond the table: a look-up, one to one (astral Han folds) */                    \
                if (fold_astral(self, c, &f) < 0) goto error;                                                          \
                if (f == ' ') goto general;                                                                            \
            } else if (cls[c] & (C_UNFIT | C_DELETE | C_EXPAND)) {                                                     \
                /* a deleted run (soft hyphens) or an expansion (ligatures) between two characters                     \
                   that are neither spaces nor other edits: it only goes, or is written out; next                      \
                   to a space or another edit it is the general fold's, which merges them */                           \
                if ((cls[c] & C_UNFIT) || prev == ' ' || last_edit == i) goto general;                                 \
                Py_ssize_t j = i + 1;                                                                                  \
                if (cls[c] & C_EXPAND) {                                                                               \
                    if (cls[c] & C_DELETE) goto general;                                                               \
                } else {                                                                                               \
                    for (; j < n; j++) {                                                                               \
                        Py_UCS4 d = p_[j];                                                                             \
                        if (d >= TABLE_SIZE || (cls[d] & (C_UNFIT | C_EXPAND))) goto general;                          \
                        if (!(cls[d] & C_DELETE)) break;                                                               \
                    }                                                                                                  \
                }                                                                                                      \
                if (j < n && (p_[j] >= TABLE_SIZE || (cls[p_[j]] & (C_UNFIT | C_DELETE | C_EXPAND)) ||                 \
                              lut[p_[j]] == ' '))                                                                      \
                    goto general;                                                                                      \
                if (cls[c] & C_EXPAND) {                                                                               \
                    Py_UCS4 r[4];                                                                                      \
                    int nr = expansion(self, c, r);                                                                    \
                    if (nr < 0) goto error;                                                                            \
                    if (nr == 0 || nr > 4 || o + nr > i + FAST_ROOM) goto general;                                     \
                    for (int k = 0; k < nr; k++) {                                                                     \
                        if (r[k] == ' ' || (r[k] >= 0x430 && r[k] <= 0x4FF)) goto general;                             \
                        EMIT(r[k], i, i + 1);                                                                          \
                        prev = r[k];                                                                                   \
                    }                                                                                                  \
                }                                                                                                      \
                /* the join rule reads the text before edits, where the edited character still                         \
                   stands (its one-to-one fold): it is the last character before what follows */                       \
                if (lut[p_[j - 1]] != ' ') {                                                                           \
                    has2 = before_set;                                                                                 \
                    before2 = before;                                                                                  \
                    before = lut[p_[j - 1]];                                                                           \
                    before_set = 1;                                                                                    \
                }                                                                                                      \
                last_edit = j;                                                                                         \
                i = j - 1;                                                                                             \
                continue;                                                                                              \
            } else {                                                                                                   \
                f = lut[c];                                                                                            \
            }                                                                                                          \
            if (f == ' ') {                                                                                            \
                if (prev == ' ') { /* a run of spaces: one space, for all of it */                                     \
                    sp_end = i + 1;                                                                                    \
                    if (an.n > 0 && an.items[3 * (an.n - 1)] == o - 1)                                                 \
                        an.items[3 * (an.n - 1) + 2] = (int32_t)sp_end;                                                \
                    else if (anchors_push(&an, o - 1, sp_start, sp_end) < 0)                                           \
                        goto error;                                                                                    \
                    last_end = sp_end;                                                                                 \
                    continue;                                                                                          \
                }                                                                                                      \
                end_before_sp = last_end;                                                                              \
                sp_start = i;                                                                                          \
                sp_end = i + 1;                                                                                        \
            } else {                                                                                                   \
                if (f >= 0x430 && f <= 0x4FF) any_cyr = 1;                                                             \
                if (prev == ' ' && o >= 2) {                                                                           \
                    /* the space (or run) at o - 1 between `before` and f */                                           \
                    int run = sp_end - sp_start >= 2;                                                                  \
                    int single = !run && !ascii && (cls_of(self, before) & C_GAP) && (cls_of(self, f) & C_GAP);        \
                    if ((run || single) && joins(self, has2, before2, before, f)) {                                    \
                        o--;                                                                                           \
                        if (an.n > 0 && an.items[3 * (an.n - 1)] == o) an.n--;                                         \
                        last_end = end_before_sp;                                                                      \
                    }                                                                                                  \
                }                                                                                                      \
                has2 = before_set;                                                                                     \
                before2 = before;                                                                                      \
                before = f;                                                                                            \
                before_set = 1;                                                                                        \
            }                                                                                                          \
            EMIT(f, i, i + 1);                                                                                         \
            prev = f;                                                                                                  \
            /* then the characters that fold one to one into something other than a space or a                         \
               Cyrillic letter, as a run: each starts where the one before ended (no anchor) */                        \
            if (f != ' ') {                                                                                            \
                while (i + 1 < lim && (p_[i + 1] < 128 ? plain[p_[i + 1]]                                                \
                                                    : p_[i + 1] < TABLE_SIZE && (plain_bits[p_[i + 1] >> 3] & (1 << (p_[i + 1] & 7))))) {\
                    i++;                                                                                               \
                    f = lut[p_[i]];                                                                                    \
                    res[o++] = f;                                                                                      \
                    has2 = 1;                                                                                          \
                    before2 = before;                                                                                  \
                    before = f;                                                                                        \
                }                                                                                                      \
                last_end = i + 1;                                                                                      \
                prev = f;                                                                                              \
            }                                                                                                          \
        }                                                                                                              \
    } while (0)

typedef struct {
    int32_t *items; /* (position, start, end) */
    Py_ssize_t n, cap;
} Anchors;

static int anchors_push(Anchors *a, Py_ssize_t o, Py_ssize_t s, Py_ssize_t e) {
    int32_t *p = room_for_one(a->items, a->n, &a->cap, 3 * sizeof(int32_t), 64);
    if (p == NULL) return -1;
    a->items = p;
    a->items[3 * a->n] = (int32_t)o;
    a->items[3 * a->n + 1] = (int32_t)s;
    a->items[3 * a->n + 2] = (int32_t)e;
    a->n++;
    return 0;
}

#define FAST_ROOM 64

/* A long text's folded copy is written once and read by the scan: in 2 MB pages where the
   system gives them on request, it costs a page fault per 2 MB instead of per 4 KB. */
static void large_pages(void *p, size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (size < 8 * huge) return;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + size) & ~(huge - 1);
    if (e > a) (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)size;
#endif
}

/* The one-pass fold's state between two calls of fast_step (a long text is folded a block at
   a time, see stream_match) */
typedef struct {
    Py_UCS4 *res; /* folded position o goes to res[o] */
    Anchors an;
    Py_ssize_t i, o;                                  /* the next original character, the next folded position */
    Py_ssize_t last_end;                              /* where the last folded character ended */
    Py_ssize_t sp_start, sp_end, end_before_sp;       /* the last space written, and the end before it */
    Py_ssize_t last_edit;                             /* where the last deletion or expansion ended */
    Py_UCS4 prev, before, before2;                    /* the last character, the last two non-spaces */
    int any_cyr, has2, before_set;
} FastFold;

#define FAST_FOLD_START {NULL, {NULL, 0, 0}, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0}

/* The one-pass fold of the original characters from st->i up to lim (or a little past it, over
   a run of deleted characters): 0 done, 2 not that case (the general fold's), -1 error. Every
   folded position written is final but the last, a space that a join may still take back. */
static int fast_step(Core *self, PyObject *text, FastFold *st, Py_ssize_t lim) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text), ascii = PyUnicode_IS_ASCII(text);
    const void *data = PyUnicode_DATA(text);
    const uint8_t *cls = self->cls, *plain = self->plain, *plain_bits = self->plain_bits;
    const uint32_t *lut = self->lut;
    Py_UCS4 *res = st->res;
    Anchors an = st->an;
    Py_ssize_t i = st->i, o = st->o, last_end = st->last_end, last_edit = st->last_edit;
    Py_ssize_t sp_start = st->sp_start, sp_end = st->sp_end, end_before_sp = st->end_before_sp;
    Py_UCS4 prev = st->prev, before = st->before, before2 = st->before2;
    int any_cyr = st->any_cyr, has2 = st->has2, before_set = st->before_set, rc = 0;
    BY_WIDTH(kind, FOLD_FAST);
    goto out;
general:
    rc = 2;
    goto out;
error:
    rc = -1;
out:
    st->an = an;
    st->i = i, st->o = o, st->last_end = last_end, st->last_edit = last_edit;
    st->sp_start = sp_start, st->sp_end = sp_end, st->end_before_sp = end_before_sp;
    st->prev = prev, st->before = before, st->before2 = before2;
    st->any_cyr = any_cyr, st->has2 = has2, st->before_set = before_set;
    return rc;
}

static int fold_fast(Core *self, PyObject *text, FoldOut *out) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    /* room for the text, and for ligatures written out to up to FAST_ROOM more characters */
    Py_UCS4 *res = PyMem_Malloc((size_t)(n + FAST_ROOM) * sizeof(Py_UCS4));
    if (res == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    large_pages(res, (size_t)(n + FAST_ROOM) * sizeof(Py_UCS4));
    FastFold st = FAST_FOLD_START;
    st.res = res;
    int rc = fast_step(self, text, &st, n);
    Py_ssize_t o = st.o;
    Anchors an = st.an;
    if (rc == 0 && st.any_cyr && mixes_latin_cyrillic(res, o)) rc = 1; /* Python reads such a word (fold._unmix) */
    if (rc != 0) {
        PyMem_Free(res);
        PyMem_Free(an.items);
        return rc;
    }
    out->text = res;
    out->len = o;
    out->map = NULL;
    out->anchors = an.n ? an.items : NULL;
    out->nanchors = an.n;
    if (an.n == 0) PyMem_Free(an.items);
    if (an.n == 0 && o != n) { /* characters deleted at the end only: not the identity */
        OffMap id = {NULL, NULL, 0};
        out->map = off_pairs(&id, o);
        if (out->map == NULL) {
            PyMem_Free(res);
            return -1;
        }
    }
    return 0;
}
#undef EMIT
#undef FOLD_FAST

/* 0 ok, 1 fall back to Python, -1 error */
static int fold_impl(Core *self, PyObject *text, FoldOut *out) {
    int rc = fold_fast(self, text, out);
    if (rc != 2) return rc;
    return fold_general(self, text, out);
}

/* 0 ok, 1 fall back to Python, -1 error */
static int fold_general(Core *self, PyObject *text, FoldOut *out) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 *flat = PyMem_Malloc((size_t)(n + 1) * sizeof(Py_UCS4));
    Edits edits = {NULL, 0, 0};
    out->text = NULL;
    out->map = NULL;
    out->anchors = NULL;
    out->nanchors = 0;
    out->len = 0;
    if (flat == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    int any_special = 0, any_cyr = 0, any_gap_space = 0, any_space_run = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        /* Latin-1: every character has a table entry, none is special but the soft hyphen */
        const Py_UCS1 *p1 = (const Py_UCS1 *)data;
        const uint32_t *lut = self->lut;
        Py_UCS4 prev = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS1 c = p1[i];
            if (self->cls[c] & (C_UNFIT | C_DELETE | C_EXPAND)) {
                if (self->cls[c] & C_UNFIT) goto fallback;
                any_special = 1;
            }
            Py_UCS4 f = lut[c];
            flat[i] = f;
            if (f == ' ' && prev == ' ') any_space_run = 1;
            if (f >= 0x430 && f <= 0x4FF) any_cyr = 1;
            prev = f;
        }
    } else
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i), f;
        if (c < TABLE_SIZE) {
            uint8_t k = self->cls[c];
            if (k & C_UNFIT) goto fallback;
            if (k & (C_DELETE | C_EXPAND)) any_special = 1;
            f = self->lut[c];
        } else if (fold_astral(self, c, &f) < 0) {
            goto error;
        }
        flat[i] = f;
        if (f >= 0x430 && f <= 0x4FF) any_cyr = 1;
        if (f == ' ' && i > 0 && flat[i - 1] == ' ') any_space_run = 1;
    }
    if (any_cyr && mixes_latin_cyrillic(flat, n)) goto fallback; /* Python reads such a word (fold._unmix) */
    /* specials of the original text: runs of deleted characters, expansions */
    if (any_special) {
        for (Py_ssize_t i = 0; i < n;) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            uint8_t k = c < TABLE_SIZE ? self->cls[c] : 0;
            if (k & C_EXPAND) {
                Py_UCS4 r[4];
                int nr = expansion(self, c, r);
                if (nr < 0) goto error;
                if (nr > 4) goto fallback;
                if (edits_push(&edits, i, i + 1, r, nr) < 0) goto error;
                i++;
            } else if (k & C_DELETE) {
                Py_ssize_t j = i + 1;
                while (j < n) {
                    Py_UCS4 d = PyUnicode_READ(kind, data, j);
                    uint8_t kd = d < TABLE_SIZE ? self->cls[d] : 0;
                    if (!(kd & C_DELETE) || (kd & C_EXPAND)) break;
                    j++;
                }
                if (edits_push(&edits, i, j, NULL, 0) < 0) goto error;
                i = j;
            } else {
                i++;
            }
        }
    }
    /* runs of two or more spaces */
    if (any_space_run) {
        static const Py_UCS4 space[1] = {' '};
        for (Py_ssize_t i = 0; i < n;) {
            if (flat[i] != ' ') {
                i++;
                continue;
            }
            Py_ssize_t j = i + 1;
            while (j < n && flat[j] == ' ') j++;
            if (j - i >= 2 && edits_push(&edits, i, j, space, 1) < 0) goto error;
            i = j;
        }
    }
    /* single spaces between two characters that may join (Chinese text; not looked for in
     * ASCII text, as fold.fold does not) */
    for (Py_ssize_t p = 1; !PyUnicode_IS_ASCII(text) && p + 1 < n; p++) {
        if (flat[p] != ' ') continue;
        Py_UCS4 a = flat[p - 1], b = flat[p + 1];
        if (!(cls_of(self, a) & C_GAP) || !(cls_of(self, b) & C_GAP)) continue;
        any_gap_space = 1;
        Py_UCS4 b2 = 0;
        int has2 = char_before(flat, p - 1, &b2);
        if (joins(self, has2, b2, a, b) && edits_push(&edits, p, p + 1, NULL, 0) < 0) goto error;
    }
    (void)any_gap_space;
    if (edits.n == 0) {
        out->text = flat;
        out->len = n;
        PyMem_Free(edits.items);
        return 0;
    }
    qsort(edits.items, (size_t)edits.n, sizeof(Edit), edit_cmp);
    /* merge overlapping and touching edits (fold._merge_runs) */
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < edits.n; i++) {
        Edit *e = &edits.items[i];
        if (m > 0 && e->start <= edits.items[m - 1].end) {
            Edit *p = &edits.items[m - 1];
            Py_ssize_t new_end = e->end > p->end ? e->end : p->end;
            int has_space = 0;
            for (Py_ssize_t j = p->start; j < new_end; j++)
                if (flat[j] == ' ') {
                    has_space = 1;
                    break;
                }
            if (has_space && (p->nrepl || e->nrepl)) {
                p->repl[0] = ' ';
                p->nrepl = 1;
            } else {
                int total = p->nrepl + e->nrepl;
                if (total > 4) goto fallback;
                for (int j = 0; j < e->nrepl; j++) p->repl[p->nrepl + j] = e->repl[j];
                p->nrepl = total;
            }
            p->end = new_end;
        } else {
            edits.items[m++] = *e;
        }
    }
    edits.n = m;
    for (Py_ssize_t i = 0; i < edits.n; i++) {
        Edit *e = &edits.items[i];
        if (e->nrepl == 1 && e->repl[0] == ' ' && e->start > 0 && e->end < n) {
            Py_UCS4 before = flat[e->start - 1], b2 = 0;
            uint8_t kb = cls_of(self, before);
            if ((kb & C_CJK) || before == '.' || (kb & C_DIGIT)) {
                int has2 = char_before(flat, e->start - 1, &b2);
                if (joins(self, has2, b2, before, flat[e->end])) e->nrepl = 0;
            }
        }
    }
    /* apply */
    {
        Py_ssize_t cap = n;
        for (Py_ssize_t i = 0; i < edits.n; i++) cap += edits.items[i].nrepl;
        Py_UCS4 *res = PyMem_Malloc((size_t)(cap + 1) * sizeof(Py_UCS4));
        int32_t *map = PyMem_Malloc((size_t)(2 * cap + 2) * sizeof(int32_t));
        if (res == NULL || map == NULL) {
            PyMem_Free(res);
            PyMem_Free(map);
            PyErr_NoMemory();
            goto error;
        }
        Py_ssize_t pos = 0, o = 0;
        for (Py_ssize_t i = 0; i < edits.n; i++) {
            Edit *e = &edits.items[i];
            if (e->start < pos) continue;
            for (Py_ssize_t j = pos; j < e->start; j++, o++) {
                res[o] = flat[j];
                map[2 * o] = (int32_t)j;
                map[2 * o + 1] = (int32_t)(j + 1);
            }
            for (int j = 0; j < e->nrepl; j++, o++) {
                res[o] = e->repl[j];
                map[2 * o] = (int32_t)e->start;
                map[2 * o + 1] = (int32_t)e->end;
            }
            pos = e->end;
        }
        for (Py_ssize_t j = pos; j < n; j++, o++) {
            res[o] = flat[j];
            map[2 * o] = (int32_t)j;
            map[2 * o + 1] = (int32_t)(j + 1);
        }
        PyMem_Free(flat);
        PyMem_Free(edits.items);
        out->text = res;
        out->len = o;
        out->map = map;
        return 0;
    }
fallback:
    PyMem_Free(flat);
    PyMem_Free(edits.items);
    return 1;
error:
    PyMem_Free(flat);
    PyMem_Free(edits.items);
    return -1;
}

/* fold(text) -> (folded, map) or None; map is None when every offset is kept, else bytes of
 * int32 pairs (original start, original end) per folded character. */
static PyObject *Core_fold(Core *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "fold() takes a str");
        return NULL;
    }
    FoldOut f;
    int rc = fold_impl(self, text, &f);
    if (rc < 0) return NULL;
    if (rc == 1) Py_RETURN_NONE;
    OffMap om = {f.map, f.anchors, f.nanchors};
    int32_t *pairs = f.map ? f.map : f.anchors ? off_pairs(&om, f.len) : NULL;
    PyObject *s = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, f.text, f.len), *map = NULL;
    if (pairs != NULL)
        map = PyBytes_FromStringAndSize((const char *)pairs, (Py_ssize_t)(2 * f.len * sizeof(int32_t)));
    else if (f.map == NULL && f.anchors == NULL)
        map = Py_NewRef(Py_None);
    if (pairs != f.map) PyMem_Free(pairs);
    PyMem_Free(f.text);
    PyMem_Free(f.map);
    PyMem_Free(f.anchors);
    if (s == NULL || map == NULL) {
        Py_XDECREF(s);
        Py_XDECREF(map);
        return NULL;
    }
    PyObject *res = PyTuple_Pack(2, s, map);
    Py_DECREF(s);
    Py_DECREF(map);
    return res;
}

/* ---------------------------------------------------------------- scan */

/* matcher._inflect: where a word-script match really ends, or -1 */
static Py_ssize_t inflect(const Core *self, const Py_UCS4 *f, Py_ssize_t n, Py_ssize_t end, int stem, int quoted) {
    if (stem) {
        Py_ssize_t english = inflect(self, f, n, end, 0, quoted);
        if (english >= 0 && !(english == end && end < n - 1 && f[end] == '\'' && WORD(f[end + 1]))) return english;
        while (end < n && (WORD(f[end]) || (f[end] == '\'' && end + 1 < n && WORD(f[end + 1])))) end++;
        return end;
    }
    if (end >= n || (!WORD(f[end]) && f[end] != '\'')) return end;
    static const char *suffixes[] = {"'s", "s'", "es", "s"};
    for (int s = 0; s < 4; s++) {
        if (quoted && s == 1) continue;
        const char *suf = suffixes[s];
        Py_ssize_t len = (Py_ssize_t)strlen(suf), k = 0;
        while (k < len && end + k < n && f[end + k] == (Py_UCS4)suf[k]) k++;
        if (k == len) {
            Py_ssize_t after = end + len;
            if (after >= n || !WORD(f[after])) return after;
        }
    }
    if (f[end] == '\'' && f[end - 1] == 's' && !quoted) return (end + 1 >= n || !WORD(f[end + 1])) ? end + 1 : -1;
    if (f[end] == '\'') return end;
    return -1;
}

typedef struct {
    Py_ssize_t start, stop, key_end;
    int32_t kid;
    PyObject *terms; /* owned */
    int ambiguous;
    int opens;                  /* the match would open a sentence (annotate._opens_sentence) */
    Py_ssize_t a, b, a_base;    /* start, stop and key_end in the original text */
} Hit;

static int hit_cmp(const void *a, const void *b) {
    const Hit *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->stop != y->stop) return x->stop > y->stop ? -1 : 1;
    if (x->key_end != y->key_end) return x->key_end > y->key_end ? -1 : 1;
    return x->kid < y->kid ? -1 : (x->kid > y->kid ? 1 : 0);
}

typedef struct {
    Py_ssize_t *starts, *ends;
    Py_ssize_t n, cap;
} Regions;

static int regions_push(Regions *r, Py_ssize_t s, Py_ssize_t e) {
    if (r->n == r->cap) {
        Py_ssize_t cap = r->cap ? r->cap * 2 : 16;
        Py_ssize_t *a = PyMem_Realloc(r->starts, (size_t)cap * sizeof(Py_ssize_t));
        if (a == NULL) return PyErr_NoMemory(), -1;
        r->starts = a;
        Py_ssize_t *b = PyMem_Realloc(r->ends, (size_t)cap * sizeof(Py_ssize_t));
        if (b == NULL) return PyErr_NoMemory(), -1;
        r->ends = b;
        r->cap = cap;
    }
    r->starts[r->n] = s;
    r->ends[r->n] = e;
    r->n++;
    return 0;
}

static Py_UCS4 quote_partner(Py_UCS4 c) {
    switch (c) {
    case 0x201C: return 0x201D;
    case 0x00AB: return 0x00BB;
    case 0x2039: return 0x203A;
    case 0x300C: return 0x300D;
    case 0x300E: return 0x300F;
    case 0x2018: return 0x2019;
    case 0x201E: return 0x201C;
    case 0x301D: return 0x301E;
    case '"': return '"';
    default: return 0;
    }
}

static int is_closer(Py_UCS4 c) {
    return c == 0x201D || c == 0x00BB || c == 0x203A || c == 0x300D || c == 0x300F || c == 0x2019 || c == 0x201C ||
           c == 0x301E || c == '"';
}

static int is_quote(Py_UCS4 c) { return quote_partner(c) != 0 || is_closer(c); }

/* a line break or a character that may be a quotation mark (a superset of is_quote's) */
static inline int quote_or_break(Py_UCS4 c) {
    return c == '\n' || c == '"' || c == 0xAB || c == 0xBB || (c - 0x2018u) <= 0x203A - 0x2018 || (c - 0x300Cu) <= 0x301E - 0x300C;
}

/* The first position from pos on of a line break or a possible quotation mark, or n: most of a
   text is neither, so it is skipped 16 bytes at a time where the processor has SSE2 (x86-64). */
static Py_ssize_t next_quote_or_break(int kind, const void *data, Py_ssize_t pos, Py_ssize_t n) {
#ifdef HAVE_SSE2
    if (kind == PyUnicode_1BYTE_KIND) { /* Latin-1: no curly quotation mark */
        const Py_UCS1 *p = data;
        const __m128i nl = _mm_set1_epi8('\n'), dq = _mm_set1_epi8('"');
        const __m128i la = _mm_set1_epi8((char)0xAB), ra = _mm_set1_epi8((char)0xBB);
        for (; pos + 16 <= n; pos += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + pos));
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, dq)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, la), _mm_cmpeq_epi8(v, ra)));
            int mask = _mm_movemask_epi8(hit);
            if (mask) return pos + __builtin_ctz((unsigned)mask);
        }
    } else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *p = data;
        const __m128i nl = _mm_set1_epi16('\n'), dq = _mm_set1_epi16('"'), la = _mm_set1_epi16(0xAB), ra = _mm_set1_epi16(0xBB);
        const __m128i lo1 = _mm_set1_epi16(0x2018), span1 = _mm_set1_epi16(0x203A - 0x2018);
        const __m128i lo2 = _mm_set1_epi16(0x300C), span2 = _mm_set1_epi16(0x301E - 0x300C), zero = _mm_setzero_si128();
        for (; pos + 8 <= n; pos += 8) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + pos));
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(v, nl), _mm_cmpeq_epi16(v, dq)),
                                       _mm_or_si128(_mm_cmpeq_epi16(v, la), _mm_cmpeq_epi16(v, ra)));
            /* lo <= v <= lo + span: v - lo, less span with saturation, is zero */
            hit = _mm_or_si128(hit, _mm_cmpeq_epi16(_mm_subs_epu16(_mm_sub_epi16(v, lo1), span1), zero));
            hit = _mm_or_si128(hit, _mm_cmpeq_epi16(_mm_subs_epu16(_mm_sub_epi16(v, lo2), span2), zero));
            int mask = _mm_movemask_epi8(hit);
            if (mask) return pos + __builtin_ctz((unsigned)mask) / 2;
        }
    } else {
        /* no unsigned compare of 32-bit lanes: lo <= v <= lo + span as a signed compare of both
           sides moved by 2**31 */
        const Py_UCS4 *p = data;
        const __m128i nl = _mm_set1_epi32('\n'), dq = _mm_set1_epi32('"'), la = _mm_set1_epi32(0xAB), ra = _mm_set1_epi32(0xBB);
        const __m128i bias = _mm_set1_epi32(INT32_MIN), lo1 = _mm_set1_epi32(0x2018), lo2 = _mm_set1_epi32(0x300C);
        const __m128i past1 = _mm_set1_epi32((int32_t)((0x203A - 0x2018 + 1) ^ 0x80000000u));
        const __m128i past2 = _mm_set1_epi32((int32_t)((0x301E - 0x300C + 1) ^ 0x80000000u));
        for (; pos + 4 <= n; pos += 4) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + pos));
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi32(v, nl), _mm_cmpeq_epi32(v, dq)),
                                       _mm_or_si128(_mm_cmpeq_epi32(v, la), _mm_cmpeq_epi32(v, ra)));
            hit = _mm_or_si128(hit, _mm_cmpgt_epi32(past1, _mm_xor_si128(_mm_sub_epi32(v, lo1), bias)));
            hit = _mm_or_si128(hit, _mm_cmpgt_epi32(past2, _mm_xor_si128(_mm_sub_epi32(v, lo2), bias)));
            int mask = _mm_movemask_epi8(hit);
            if (mask) return pos + __builtin_ctz((unsigned)mask) / 4;
        }
    }
#endif
    for (; pos < n; pos++) /* the last few, or every character without SSE2 */
        if (quote_or_break(PyUnicode_READ(kind, data, pos))) return pos;
    return n;
}

typedef struct {
    Py_ssize_t start, end;
} Span;

static int span_cmp(const void *a, const void *b) {
    const Span *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : (x->end > y->end ? 1 : 0);
}

/* quotes.quote_regions: merged, sorted regions */
static int quote_regions_impl(PyObject *text, Regions *out) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Span *stack = NULL, *regions = NULL;
    Py_UCS4 *stack_ch = NULL;
    Py_ssize_t ns = 0, caps = 0, nr = 0, capr = 0;
    int rc = -1;
#define PUSH_REGION(s, e)                                                                                              \
    do {                                                                                                               \
        if (nr == capr) {                                                                                              \
            capr = capr ? capr * 2 : 16;                                                                               \
            Span *p_ = PyMem_Realloc(regions, (size_t)capr * sizeof(Span));                                            \
            if (p_ == NULL) {                                                                                          \
                PyErr_NoMemory();                                                                                      \
                goto done;                                                                                             \
            }                                                                                                          \
            regions = p_;                                                                                              \
        }                                                                                                              \
        regions[nr].start = (s);                                                                                       \
        regions[nr].end = (e);                                                                                         \
        nr++;                                                                                                          \
    } while (0)
    for (Py_ssize_t pos = 0; pos < n; pos++) {
        pos = next_quote_or_break(kind, data, pos, n);
        if (pos >= n) break;
        Py_UCS4 ch = PyUnicode_READ(kind, data, pos);
        if (ch == '\n') {
            Py_ssize_t j = pos + 1;
            while (j < n) {
                Py_UCS4 d = PyUnicode_READ(kind, data, j);
                if (d != ' ' && d != '\t') break;
                j++;
            }
            if (j < n && PyUnicode_READ(kind, data, j) == '\n') {
                for (Py_ssize_t k = 0; k < ns; k++) PUSH_REGION(stack[k].start, pos);
                ns = 0;
                pos = j;
            }
            continue;
        }
        if (!is_quote(ch)) continue;
        Py_UCS4 prev = pos ? PyUnicode_READ(kind, data, pos - 1) : ' ';
        Py_UCS4 nxt = pos + 1 < n ? PyUnicode_READ(kind, data, pos + 1) : ' ';
        int prev_alnum = Py_UNICODE_ISALNUM(prev);
        if ((ch == 0x2018 || ch == 0x2019) && prev_alnum && Py_UNICODE_ISALNUM(nxt)) continue;
        if (ch == 0x2019 && prev_alnum) {
            int open = 0;
            for (Py_ssize_t k = 0; k < ns; k++)
                if (stack_ch[k] == 0x2018) open = 1;
            if (!open) continue;
        }
        if (ns > 0 && quote_partner(stack_ch[ns - 1]) == ch) {
            ns--;
            PUSH_REGION(stack[ns].start, pos + 1);
        } else if (quote_partner(ch) && (!is_closer(ch) || ch == '"' || ch == 0x201C)) {
            if (ns == caps) {
                caps = caps ? caps * 2 : 16;
                Span *p = PyMem_Realloc(stack, (size_t)caps * sizeof(Span));
                Py_UCS4 *q = p ? PyMem_Realloc(stack_ch, (size_t)caps * sizeof(Py_UCS4)) : NULL;
                if (p) stack = p;
                if (q) stack_ch = q;
                if (p == NULL || q == NULL) {
                    PyErr_NoMemory();
                    goto done;
                }
            }
            stack[ns].start = pos;
            stack_ch[ns] = ch;
            ns++;
        }
    }
    for (Py_ssize_t k = 0; k < ns; k++) PUSH_REGION(stack[k].start, n);
#undef PUSH_REGION
    if (nr > 1) qsort(regions, (size_t)nr, sizeof(Span), span_cmp);
    for (Py_ssize_t i = 0; i < nr; i++) {
        if (out->n > 0 && regions[i].start <= out->ends[out->n - 1]) {
            if (regions[i].end > out->ends[out->n - 1]) out->ends[out->n - 1] = regions[i].end;
        } else if (regions_push(out, regions[i].start, regions[i].end) < 0) {
            goto done;
        }
    }
    rc = 0;
done:
    PyMem_Free(stack);
    PyMem_Free(stack_ch);
    PyMem_Free(regions);
    return rc;
}

/* whether [start, end) lies inside a region; *from: the regions starting before an earlier
   start (they are asked for in order): counted on from there, a few steps and then by halves */
static int in_regions(const Regions *r, Py_ssize_t start, Py_ssize_t end, Py_ssize_t *from) {
    /* the last region starting at or before start */
    Py_ssize_t lo = *from, hi = r->n;
    for (int k = 0; k < 8 && lo < hi && r->starts[lo] <= start; k++) lo++;
    if (lo < hi && r->starts[lo] <= start)
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            if (r->starts[mid] <= start)
                lo = mid + 1;
            else
                hi = mid;
        }
    *from = lo;
    return lo > 0 && r->ends[lo - 1] >= end;
}

static PyObject *regions_tuple(const Regions *r) {
    PyObject *s = PyTuple_New(r->n), *e = PyTuple_New(r->n);
    if (s == NULL || e == NULL) goto fail;
    for (Py_ssize_t i = 0; i < r->n; i++) {
        PyObject *a = PyLong_FromSsize_t(r->starts[i]), *b = PyLong_FromSsize_t(r->ends[i]);
        if (a == NULL || b == NULL) {
            Py_XDECREF(a);
            Py_XDECREF(b);
            goto fail;
        }
        PyTuple_SET_ITEM(s, i, a);
        PyTuple_SET_ITEM(e, i, b);
    }
    PyObject *res = PyTuple_Pack(2, s, e);
    Py_DECREF(s);
    Py_DECREF(e);
    return res;
fail:
    Py_XDECREF(s);
    Py_XDECREF(e);
    return NULL;
}

static PyObject *Core_quote_regions(Core *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "quote_regions() takes a str");
        return NULL;
    }
    Regions r = {NULL, NULL, 0, 0};
    if (quote_regions_impl(text, &r) < 0) return NULL;
    PyObject *res = regions_tuple(&r);
    PyMem_Free(r.starts);
    PyMem_Free(r.ends);
    return res;
}

/* annotate._opens_sentence */
static int opens_sentence(int kind, const void *data, Py_ssize_t start) {
    Py_ssize_t lo = start > 8 ? start - 8 : 0, j = start;
    while (j > lo) {
        Py_UCS4 c = PyUnicode_READ(kind, data, j - 1);
        if (c == ' ' || c == '\t' || c == 0xA0 || c == '"' || c == '\'' || c == 0x201C || c == 0x2018 || c == 0xAB ||
            c == '(')
            j--;
        else
            break;
    }
    if (j == lo) return 1;
    Py_UCS4 c = PyUnicode_READ(kind, data, j - 1);
    return c == '.' || c == '!' || c == '?' || c == '\n' || c == ':';
}

/* What a dynamic key's check needs: the folded text and its map as Python objects, made on
 * the first call. */
typedef struct {
    const Py_UCS4 *f;
    Py_ssize_t n;
    const OffMap *om;
    PyObject *ftext, *omap;
} Lazy;

static int lazy_objects(Lazy *lz) {
    if (lz->ftext != NULL) return 0;
    lz->ftext = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, lz->f, lz->n);
    if (lz->ftext == NULL) return -1;
    if (lz->om->pairs == NULL && lz->om->anchors == NULL) {
        lz->omap = Py_NewRef(Py_None);
        return 0;
    }
    int32_t *pairs = lz->om->pairs ? (int32_t *)lz->om->pairs : off_pairs(lz->om, lz->n);
    if (pairs == NULL) return -1;
    lz->omap = PyBytes_FromStringAndSize((const char *)pairs, (Py_ssize_t)(2 * lz->n * sizeof(int32_t)));
    if (pairs != lz->om->pairs) PyMem_Free(pairs);
    return lz->omap == NULL ? -1 : 0;
}

/* ---------------------------------------------------------------- case and context */

static inline int ctx_skip(Py_UCS4 c) { return c == ' ' || c == '\'' || c == '"' || c == '(' || c == ')' || c == '[' || c == ']'; }

static inline int word_cp(const Core *self, Py_UCS4 c) { return cls_of(self, c) & C_WORD; }

/* matcher._starts_with_word on after = f[a:hi] */
static int starts_with_word(const Core *self, const Py_UCS4 *f, Py_ssize_t a, Py_ssize_t hi, PyObject *w) {
    Py_ssize_t len = PyUnicode_GET_LENGTH(w);
    if (len == 0 || a + len > hi) return len == 0;
    int kind = PyUnicode_KIND(w);
    const void *data = PyUnicode_DATA(w);
    for (Py_ssize_t j = 0; j < len; j++)
        if (f[a + j] != PyUnicode_READ(kind, data, j)) return 0;
    Py_UCS4 last = PyUnicode_READ(kind, data, len - 1);
    if (is_han_cp(last) || !word_cp(self, last)) return 1;
    return a + len == hi || !word_cp(self, f[a + len]);
}

/* matcher._ends_with_word on before = f[lo:b] */
static int ends_with_word(const Core *self, const Py_UCS4 *f, Py_ssize_t lo, Py_ssize_t b, PyObject *w) {
    Py_ssize_t len = PyUnicode_GET_LENGTH(w);
    if (len == 0 || b - len < lo) return len == 0;
    int kind = PyUnicode_KIND(w);
    const void *data = PyUnicode_DATA(w);
    for (Py_ssize_t j = 0; j < len; j++)
        if (f[b - len + j] != PyUnicode_READ(kind, data, j)) return 0;
    Py_UCS4 first = PyUnicode_READ(kind, data, 0);
    if (is_han_cp(first) || !word_cp(self, first)) return 1;
    return b - len == lo || !word_cp(self, f[b - len - 1]);
}

static int any_starts(const Core *self, const Py_UCS4 *f, Py_ssize_t a, Py_ssize_t hi, PyObject *words) {
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(words); k++)
        if (starts_with_word(self, f, a, hi, PyTuple_GET_ITEM(words, k))) return 1;
    return 0;
}

static int any_ends(const Core *self, const Py_UCS4 *f, Py_ssize_t lo, Py_ssize_t b, PyObject *words) {
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(words); k++)
        if (ends_with_word(self, f, lo, b, PyTuple_GET_ITEM(words, k))) return 1;
    return 0;
}

/* how far the context words are looked for, either side of a match (matcher._CONTEXT_WINDOW) */
#define CONTEXT_READ 80

/* matcher.Matcher._check_terms. rules: tuple of (term, entry, ambiguous, case_form or None,
 * context or None) with context = (not_followed_by, not_preceded_by, followed_by,
 * preceded_by), tuples of folded words. Returns a new (terms, ambiguous) tuple, None (a new
 * reference) when no term is kept, or NULL on error. */
static PyObject *check_terms(const Core *self, PyObject *text, const Py_UCS4 *f, Py_ssize_t n, const OffMap *om,
                             Py_ssize_t start, Py_ssize_t key_end, Py_ssize_t stop, PyObject *rules) {
    Py_ssize_t nt = PyTuple_GET_SIZE(rules);
    long kept[64], kept_entry[64], confirmed_entry[64];
    int nk = 0, nc = 0, any_amb = 0;
    if (nt > 64) nt = 64;
    Py_ssize_t a_hi = stop + CONTEXT_READ < n ? stop + CONTEXT_READ : n, a = stop;
    while (a < a_hi && ctx_skip(f[a])) a++;
    Py_ssize_t b_lo = start > CONTEXT_READ ? start - CONTEXT_READ : 0, b = start;
    while (b > b_lo && ctx_skip(f[b - 1])) b--;
    for (Py_ssize_t k = 0; k < nt; k++) {
        PyObject *r = PyTuple_GET_ITEM(rules, k);
        long term = PyLong_AsLong(PyTuple_GET_ITEM(r, 0)), entry = PyLong_AsLong(PyTuple_GET_ITEM(r, 1));
        int amb = PyTuple_GET_ITEM(r, 2) == Py_True;
        PyObject *form = PyTuple_GET_ITEM(r, 3), *ctx = PyTuple_GET_ITEM(r, 4);
        if (form != Py_None) {
            Py_ssize_t from = 0, o0 = off_start(om, start, n, PyUnicode_GET_LENGTH(text), &from);
            Py_ssize_t o1 = off_end(om, key_end, from);
            Py_ssize_t len = PyUnicode_GET_LENGTH(form);
            if (o1 - o0 != len) continue;
            int same = 1;
            for (Py_ssize_t j = 0; j < len && same; j++)
                same = PyUnicode_READ_CHAR(text, o0 + j) == PyUnicode_READ_CHAR(form, j);
            if (!same) continue;
        }
        if (ctx != Py_None) {
            if (any_starts(self, f, a, a_hi, PyTuple_GET_ITEM(ctx, 0)) || any_ends(self, f, b_lo, b, PyTuple_GET_ITEM(ctx, 1)))
                continue;
            if (any_starts(self, f, a, a_hi, PyTuple_GET_ITEM(ctx, 2)) || any_ends(self, f, b_lo, b, PyTuple_GET_ITEM(ctx, 3)))
                confirmed_entry[nc++] = entry;
        }
        kept[nk] = term;
        kept_entry[nk] = entry;
        any_amb |= amb;
        nk++;
    }
    if (PyErr_Occurred()) return NULL;
    if (nk == 0) Py_RETURN_NONE;
    long chosen[64];
    int nchosen = 0, ambiguous;
    if (nc > 0) {
        int distinct = 0;
        for (int i = 0; i < nc; i++) {
            int seen = 0;
            for (int j = 0; j < i; j++) seen |= confirmed_entry[j] == confirmed_entry[i];
            distinct += !seen;
        }
        for (int i = 0; i < nk; i++) {
            int in = 0;
            for (int j = 0; j < nc; j++) in |= kept_entry[i] == confirmed_entry[j];
            if (in) chosen[nchosen++] = kept[i];
        }
        ambiguous = distinct > 1;
    } else {
        int distinct = 0;
        for (int i = 0; i < nk; i++) {
            int seen = 0;
            for (int j = 0; j < i; j++) seen |= kept_entry[j] == kept_entry[i];
            distinct += !seen;
        }
        for (int i = 0; i < nk; i++) chosen[nchosen++] = kept[i];
        ambiguous = distinct > 1 || any_amb;
    }
    PyObject *terms = PyTuple_New(nchosen);
    if (terms == NULL) return NULL;
    for (int i = 0; i < nchosen; i++) {
        PyObject *v = PyLong_FromLong(chosen[i]);
        if (v == NULL) {
            Py_DECREF(terms);
            return NULL;
        }
        PyTuple_SET_ITEM(terms, i, v);
    }
    return Py_BuildValue("(NO)", terms, ambiguous ? Py_True : Py_False);
}

/* the keys found by a scan that passed their checks, before leftmost-longest is chosen */
typedef struct {
    Hit *items;
    Py_ssize_t n, cap;
} Hits;

/* Hits that wait for more of the folded text (see stream_match): key kid, ending at i */
typedef struct {
    struct Later {
        int32_t kid;
        Py_ssize_t i;
    } *items;
    Py_ssize_t n, cap;
} Deferred;

/* Key kid ending at folded position i, into hb if it passes its checks. With `later`, f is
 * final only before n (a text folded a block at a time): a key whose checks would read as far
 * as n (a word running on, context words) goes into later, to be tried again with more text. */
static int add_hit(Core *self, PyObject *text, const Py_UCS4 *f, Py_ssize_t n, const OffMap *om, PyObject *check,
                   Lazy *lz, int32_t kid, Py_ssize_t i, Hits *hb, Deferred *later) {
    uint8_t kf = self->kflags[kid];
    Py_ssize_t start = i - self->klen[kid] + 1;
    if ((kf & K_START) && start > 0 && WORD(f[start - 1])) return 0;
    Py_ssize_t key_end = i + 1, stop = key_end;
    if ((kf & K_END) && key_end < n && (f[key_end] == '\'' || WORD(f[key_end]))) {
        Py_ssize_t found = inflect(self, f, n, key_end, kf & K_STEM, start > 0 && f[start - 1] == '\'');
        if (found < 0) return 0;
        stop = found;
    }
    if (later != NULL && stop + CONTEXT_READ >= n) {
        struct Later *w = room_for_one(later->items, later->n, &later->cap, sizeof(struct Later), 16);
        if (w == NULL) return -1;
        later->items = w;
        later->items[later->n++] = (struct Later){kid, i};
        return 0;
    }
    PyObject *terms;
    int ambiguous;
    if (kf & K_DYNAMIC) {
        PyObject *rules = PyList_GET_ITEM(self->rules, kid), *v;
        if (rules != Py_None) {
            v = check_terms(self, text, f, n, om, start, key_end, stop, rules);
        } else {
            if (lazy_objects(lz) < 0) return -1;
            v = PyObject_CallFunction(check, "OOnnni", lz->ftext, lz->omap, start, key_end, stop, (int)kid);
        }
        if (v == NULL) return -1;
        if (v == Py_None) {
            Py_DECREF(v);
            return 0;
        }
        if (!PyTuple_Check(v) || PyTuple_GET_SIZE(v) != 2) {
            Py_DECREF(v);
            PyErr_SetString(PyExc_TypeError, "check() must return (terms, ambiguous) or None");
            return -1;
        }
        terms = PyTuple_GET_ITEM(v, 0);
        Py_INCREF(terms);
        ambiguous = PyObject_IsTrue(PyTuple_GET_ITEM(v, 1));
        Py_DECREF(v);
    } else {
        PyObject *st = PyList_GET_ITEM(self->statics, kid);
        terms = PyTuple_GET_ITEM(st, 0);
        Py_INCREF(terms);
        ambiguous = PyTuple_GET_ITEM(st, 1) == Py_True;
    }
    Hit *p = room_for_one(hb->items, hb->n, &hb->cap, sizeof(Hit), 32);
    if (p == NULL) {
        Py_DECREF(terms);
        return -1;
    }
    hb->items = p;
    /* where it stands in the original text, found now that the text around it is in the cache */
    Py_ssize_t from = anchors_before(om, start), a = off_start(om, start, n, PyUnicode_GET_LENGTH(text), &from);
    int opens = opens_sentence(PyUnicode_KIND(text), PyUnicode_DATA(text), a);
    hb->items[hb->n++] = (Hit){start, stop, key_end, kid, terms, ambiguous, opens, a, off_end(om, stop, from), off_end(om, key_end, from)};
    return 0;
}

/* the keys that end at i (the output chain from state t) that pass their checks, into hb */
static int add_hits(Core *self, PyObject *text, const Py_UCS4 *f, Py_ssize_t n, const OffMap *om, PyObject *check,
                    Lazy *lz, int32_t t, Py_ssize_t i, Hits *hb, Deferred *later) {
    for (; t >= 0; t = self->dict_link[t])
        if (add_hit(self, text, f, n, om, check, lz, self->out_key[t], i, hb, later) < 0) return -1;
    return 0;
}

/* Scan folded positions [lo, hi) from automaton state *state at lo, leaving there the state at
 * hi; the keys that end there and pass their checks into hb (or later, see add_hit).
 *
 * The scan is a chain of dependent loads, one per character: a long stretch is cut in two or
 * four parts scanned side by side, so that their loads overlap. Each part after the first
 * starts from the root the longest key's length early (the automaton's state is then right by
 * the part's start) and reports only the keys that end inside it. */
static int scan_range(Core *self, PyObject *text, const Py_UCS4 *f, Py_ssize_t n, const OffMap *om, PyObject *check,
                      Lazy *lz, Py_ssize_t lo, Py_ssize_t hi, int32_t *state, Hits *hb, Deferred *later) {
    const int32_t *dense = self->dense, *report = self->report, nrows = self->nrows;
    Py_ssize_t len = hi - lo, lead = self->maxlen;
    Py_ssize_t parts = len >= 8 * (lead + 1) ? 4 : len >= 3 * (lead + 1) ? 2 : 1;
    Py_ssize_t from[4] = {0}, pos[4] = {0}, end[4] = {0};
    int32_t st[4] = {*state, 0, 0, 0};
    for (Py_ssize_t k = 0; k < parts; k++) {
        from[k] = lo + len / parts * k;
        end[k] = k == parts - 1 ? hi : lo + len / parts * (k + 1);
        pos[k] = k == 0 ? lo : from[k] - lead;
    }
#define ADVANCE(s, p, lo)                                                                                              \
    do {                                                                                                               \
        Py_UCS4 c_ = f[p];                                                                                             \
        s = (c_ < 128 && s < nrows) ? dense[(size_t)s * 128 + c_] : step(self, s, c_);                                 \
        if (report[s] >= 0 && p >= lo && add_hits(self, text, f, n, om, check, lz, report[s], p, hb, later) < 0)      \
            return -1;                                                                                                 \
        p++;                                                                                                           \
    } while (0)
    if (parts > 1) {
        /* side by side, in registers, as far as every part reaches */
        int32_t s0 = st[0], s1 = 0, s2 = 0, s3 = 0;
        Py_ssize_t p0 = pos[0], p1 = pos[1], p2 = pos[2], p3 = pos[3], steps = PY_SSIZE_T_MAX;
        for (Py_ssize_t k = 0; k < parts; k++)
            if (end[k] - pos[k] < steps) steps = end[k] - pos[k];
        if (parts == 4) {
            for (Py_ssize_t j = 0; j < steps; j++) {
                ADVANCE(s0, p0, from[0]);
                ADVANCE(s1, p1, from[1]);
                ADVANCE(s2, p2, from[2]);
                ADVANCE(s3, p3, from[3]);
            }
        } else {
            for (Py_ssize_t j = 0; j < steps; j++) {
                ADVANCE(s0, p0, from[0]);
                ADVANCE(s1, p1, from[1]);
            }
        }
        st[0] = s0, st[1] = s1, st[2] = s2, st[3] = s3;
        pos[0] = p0, pos[1] = p1, pos[2] = p2, pos[3] = p3;
    }
    for (Py_ssize_t k = 0; k < parts; k++) {
        int32_t sk = st[k];
        Py_ssize_t pk = pos[k], lo_k = from[k], hi_k = end[k];
        while (pk < hi_k) ADVANCE(sk, pk, lo_k);
        st[k] = sk;
    }
#undef ADVANCE
    *state = st[parts - 1];
    return 0;
}

/* Hits sorted a block at a time (see stream_match), put in order: only the few near a block's
 * edge are out of it (a longer key that ends in the next block but starts as early). Moves one
 * by one, up to one per hit; 0 when that was not enough (then they are sorted as a whole). */
static int settle(Hit *h, Py_ssize_t n) {
    Py_ssize_t moves = 0;
    for (Py_ssize_t i = 1; i < n; i++) {
        if (hit_cmp(&h[i - 1], &h[i]) <= 0) continue;
        Hit x = h[i];
        Py_ssize_t j = i;
        while (j > 0 && hit_cmp(&h[j - 1], &x) > 0 && moves++ < n) {
            h[j] = h[j - 1];
            j--;
        }
        h[j] = x;
        if (moves >= n) return 0;
    }
    return 1;
}

/* The matches from the hits: leftmost-longest, mapped back to the original text, with their
 * quotation and sentence start; see Core_find. sorted: the hits are in order already. */
static PyObject *choose(PyObject *text, Hits *hb, int regions, int sorted) {
    PyObject *result = NULL, *matches = NULL, *regs = NULL;
    PyObject *readings = NULL; /* other readings of the last chosen match */
    Regions reg = {NULL, NULL, 0, 0};
    Hit *hits = hb->items;
    Py_ssize_t nh = hb->n;
    if (nh > 1 && !sorted) qsort(hits, (size_t)nh, sizeof(Hit), hit_cmp);
    /* the quotation regions: only for the matches, unless the caller wants them anyway */
    if ((nh > 0 || regions) && quote_regions_impl(text, &reg) < 0) goto done;
    matches = PyList_New(0);
    if (matches == NULL) goto done;
    Py_ssize_t last = -1, cs = -1, ce = -1;
    int last_ambiguous = 0;
    Py_ssize_t in_quote = 0; /* the quotation regions starting before the last match */
#define FLUSH_READINGS()                                                                                               \
    do {                                                                                                               \
        if (readings != NULL) {                                                                                        \
            PyObject *prev_ = PyList_GET_ITEM(matches, PyList_GET_SIZE(matches) - 1);                                  \
            PyObject *t_ = PyList_AsTuple(readings);                                                                   \
            Py_CLEAR(readings);                                                                                        \
            if (t_ == NULL) goto done;                                                                                 \
            PyObject *old_ = PyTuple_GET_ITEM(prev_, 8);                                                               \
            PyTuple_SET_ITEM(prev_, 8, t_);                                                                            \
            Py_DECREF(old_);                                                                                           \
        }                                                                                                              \
    } while (0)
    for (Py_ssize_t i = 0; i < nh; i++) {
        Hit *h = &hits[i];
        if (h->start < last) {
            if (h->start == cs && h->stop == ce && PyList_GET_SIZE(matches) > 0 && !h->ambiguous && !last_ambiguous) {
                if (readings == NULL && (readings = PyList_New(0)) == NULL) goto done;
                PyObject *r = Py_BuildValue("(On)", h->terms, h->a_base);
                if (r == NULL || PyList_Append(readings, r) < 0) {
                    Py_XDECREF(r);
                    goto done;
                }
                Py_DECREF(r);
            }
            continue;
        }
        FLUSH_READINGS();
        last = h->stop;
        cs = h->start;
        ce = h->stop;
        last_ambiguous = h->ambiguous;
        Py_ssize_t a = h->a, b = h->b, base_end = h->a_base;
        PyObject *m = PyTuple_New(9);
        if (m == NULL) goto done;
        PyObject *va = PyLong_FromSsize_t(a), *vb = PyLong_FromSsize_t(b), *vc = PyLong_FromSsize_t(base_end);
        PyObject *vk = PyLong_FromLong(h->kid);
        if (va == NULL || vb == NULL || vc == NULL || vk == NULL) {
            Py_XDECREF(va);
            Py_XDECREF(vb);
            Py_XDECREF(vc);
            Py_XDECREF(vk);
            Py_DECREF(m);
            goto done;
        }
        PyObject *amb = h->ambiguous ? Py_True : Py_False, *quoted = in_regions(&reg, a, b, &in_quote) ? Py_True : Py_False;
        PyObject *opens = h->opens ? Py_True : Py_False;
        Py_INCREF(h->terms);
        Py_INCREF(amb);
        Py_INCREF(quoted);
        Py_INCREF(opens);
        Py_INCREF(Py_None);
        PyTuple_SET_ITEM(m, 0, va);
        PyTuple_SET_ITEM(m, 1, vb);
        PyTuple_SET_ITEM(m, 2, vc);
        PyTuple_SET_ITEM(m, 3, h->terms);
        PyTuple_SET_ITEM(m, 4, amb);
        PyTuple_SET_ITEM(m, 5, vk);
        PyTuple_SET_ITEM(m, 6, quoted);
        PyTuple_SET_ITEM(m, 7, opens);
        PyTuple_SET_ITEM(m, 8, Py_None);
        /* numbers, flags and tuples of them, in no cycle: nothing for the collector to walk (a
           long text has hundreds of thousands) */
        PyObject_GC_UnTrack(m);
        if (PyList_Append(matches, m) < 0) {
            Py_DECREF(m);
            goto done;
        }
        Py_DECREF(m);
    }
    FLUSH_READINGS();
#undef FLUSH_READINGS
    regs = regions_tuple(&reg);
    if (regs == NULL) goto done;
    result = PyTuple_Pack(2, matches, regs);
done:
    Py_XDECREF(readings);
    Py_XDECREF(matches);
    Py_XDECREF(regs);
    PyMem_Free(reg.starts);
    PyMem_Free(reg.ends);
    return result;
}

static void hits_free(Hits *hb) {
    for (Py_ssize_t i = 0; i < hb->n; i++) Py_DECREF(hb->items[i].terms);
    PyMem_Free(hb->items);
}

/* Scan the folded text, check, choose leftmost-longest, map back; see Core_match. */
static PyObject *scan_select(Core *self, PyObject *text, const Py_UCS4 *f, Py_ssize_t n, const OffMap *om,
                             PyObject *check, Lazy *lz, int regions) {
    Hits hb = {NULL, 0, 0};
    int32_t state = 0;
    PyObject *result = NULL;
    if (scan_range(self, text, f, n, om, check, lz, 0, n, &state, &hb, NULL) == 0) result = choose(text, &hb, regions, 0);
    hits_free(&hb);
    return result;
}

/* find(text, folded, map, check) -> (matches, regions), on a text fold() folded.
 *
 * check(folded, map, start, key_end, stop, kid) is called for the keys whose terms need a look
 * at the text (case, context) and returns (terms, ambiguous) or None. Each match: (start, end,
 * base_end, terms, ambiguous, kid, quoted, opens, readings) in original offsets; readings is
 * None or a tuple of (terms, base_end) of other keys covering the same span. regions: the
 * quotation regions, (starts, ends). */
static PyObject *Core_find(Core *self, PyObject *args) {
    PyObject *text, *ftext, *mapobj, *check;
    if (!PyArg_ParseTuple(args, "UUOO:find", &text, &ftext, &mapobj, &check)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(ftext);
    Py_buffer mapview = {0};
    const int32_t *map = NULL;
    if (mapobj != Py_None) {
        if (PyObject_GetBuffer(mapobj, &mapview, PyBUF_SIMPLE) < 0) return NULL;
        if ((size_t)mapview.len != (size_t)n * 2 * sizeof(int32_t)) {
            PyBuffer_Release(&mapview);
            PyErr_SetString(PyExc_ValueError, "map does not fit the folded text");
            return NULL;
        }
        map = mapview.buf;
    }
    Py_UCS4 *f = PyUnicode_AsUCS4Copy(ftext);
    PyObject *result = NULL;
    if (f != NULL) {
        OffMap om = {map, NULL, 0};
        Lazy lz = {f, n, &om, ftext, mapobj};
        result = scan_select(self, text, f, n, &om, check, &lz, 1);
    }
    PyMem_Free(f);
    if (map != NULL) PyBuffer_Release(&mapview);
    return result;
}

/* A long text's match() a block at a time: each block of the text is folded into a window and
 * scanned while it is still in the processor's cache, instead of folding the whole text into a
 * copy four bytes a character and reading that copy back from memory (a 100 MB text: 400 MB
 * written and read again). The window keeps what the checks of a hit read before it (its key,
 * the character before, the context words); a hit whose checks read past what is folded waits
 * for the next block (add_hit). The hits are the same as the whole text's, and so are the
 * matches chosen from them.
 *
 * 0 done (*result), 1 Python must fold the text, 2 not the one-pass fold's case, -1 error. */
#define STREAM_BLOCK 65536 /* original characters folded at a time */
#define STREAM_TAIL 128    /* folded characters left unscanned until the next block (a hit's suffix) */

/* folded position p of a window holding the positions from base is origin[p] (a pointer made
   from integers: positions before base are never read) */
static Py_UCS4 *window_origin(Py_UCS4 *buf, Py_ssize_t base) {
    return (Py_UCS4 *)((uintptr_t)buf - (uintptr_t)base * sizeof(Py_UCS4));
}

/* the window moved on to hold the folded positions from keep on (nothing when it does already) */
static void window_keep(Py_UCS4 *buf, Py_ssize_t *base, Py_ssize_t keep, FastFold *st) {
    if (keep <= *base) return;
    memmove(buf, buf + (keep - *base), (size_t)(st->o - keep) * sizeof(Py_UCS4));
    *base = keep;
    st->res = window_origin(buf, keep);
}

static int stream_match(Core *self, PyObject *text, PyObject *check, Py_ssize_t block, PyObject **result) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_ssize_t behind = self->maxlen + CONTEXT_READ + 16; /* what a hit reads before its end */
    Py_ssize_t cap = 2 * (behind + STREAM_TAIL) + 4 * block + FAST_ROOM; /* a block writes out to 4 characters each */
    Py_UCS4 *buf = PyMem_Malloc((size_t)cap * sizeof(Py_UCS4));
    FastFold st = FAST_FOLD_START;
    Hits hb = {NULL, 0, 0};
    Deferred later = {NULL, 0, 0}, retry = {NULL, 0, 0};
    Lazy lz = {NULL, 0, NULL, NULL, NULL}; /* never used: no key calls back (see Core_match) */
    Py_ssize_t base = 0, scanned = 0, checked = 0; /* folded positions: the window's first, the scan's and the script check's next */
    Py_ssize_t in_order = 0;                       /* the hits sorted so far */
    int32_t state = 0;
    int rc = -1, mixed = 0;
    if (buf == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    st.res = buf;
    for (;;) {
        if ((st.o - base) + 4 * block + FAST_ROOM > cap) { /* hits waiting long kept the window from moving */
            Py_ssize_t more = 2 * cap;
            Py_UCS4 *grown = PyMem_Realloc(buf, (size_t)more * sizeof(Py_UCS4));
            if (grown == NULL) {
                PyErr_NoMemory();
                goto done;
            }
            buf = grown, cap = more;
            st.res = window_origin(buf, base);
        }
        int r = fast_step(self, text, &st, st.i + block < n ? st.i + block : n);
        if (r != 0) {
            rc = r;
            goto done;
        }
        int final = st.i >= n;
        Py_ssize_t valid = final || st.o == 0 ? st.o : st.o - 1; /* the folded text that no later block changes */
        if (!mixed && st.any_cyr && valid > checked) {
            Py_ssize_t from = checked > base ? checked - 1 : base;
            mixed = mixes_latin_cyrillic(buf + (from - base), valid - from);
        }
        if (valid > checked) checked = valid;
        if (mixed) {
            /* Python reads a word mixing Latin and Cyrillic (fold._unmix), unless the rest of the
               text is the general fold's (as fold_fast decides): the fold goes on, alone */
            if (final) {
                rc = 1;
                goto done;
            }
            window_keep(buf, &base, st.o - 1, &st);
            continue;
        }
        const Py_UCS4 *f = st.res;
        OffMap om = {NULL, st.an.items, st.an.n};
        Deferred *wait = final ? NULL : &later;
        retry = later, later = (Deferred){NULL, 0, 0};
        for (Py_ssize_t k = 0; k < retry.n; k++)
            if (add_hit(self, text, f, valid, &om, check, &lz, retry.items[k].kid, retry.items[k].i, &hb, wait) < 0) goto done;
        PyMem_Free(retry.items);
        retry = (Deferred){NULL, 0, 0};
        Py_ssize_t to = final ? valid : valid - STREAM_TAIL;
        if (to > scanned) {
            if (scan_range(self, text, f, valid, &om, check, &lz, scanned, to, &state, &hb, wait) < 0) goto done;
            scanned = to;
        }
        /* the block's hits sorted while they are in the cache (the whole lot at once: a sort
           through memory, n log n) */
        if (hb.n - in_order > 1) qsort(hb.items + in_order, (size_t)(hb.n - in_order), sizeof(Hit), hit_cmp);
        in_order = hb.n;
        if (final) break;
        /* move the window on: keep what the next hits and the waiting ones read before them */
        Py_ssize_t keep = scanned - behind;
        for (Py_ssize_t k = 0; k < later.n; k++)
            if (later.items[k].i - behind < keep) keep = later.items[k].i - behind;
        window_keep(buf, &base, keep, &st);
    }
    *result = choose(text, &hb, 0, settle(hb.items, hb.n));
    rc = *result == NULL ? -1 : 0;
done:
    PyMem_Free(buf);
    PyMem_Free(st.an.items);
    PyMem_Free(later.items);
    PyMem_Free(retry.items);
    hits_free(&hb);
    return rc;
}

/* match(text, check, keep=False) -> (matches, regions), or None when Python must fold the
 * text: fold() and find() in one pass, without making the folded text a Python object unless
 * check needs it. With keep, (matches, regions, folded, map): the fold too, for the typo layer.
 * Without keep, regions are empty when there is no match (nothing to mark as quoted).
 * block: how many characters a text longer than that is folded at a time (stream_match); for
 * the tests, which cut texts at every place. */
static PyObject *Core_match(Core *self, PyObject *args) {
    PyObject *text, *check;
    int keep = 0;
    Py_ssize_t block = STREAM_BLOCK;
    if (!PyArg_ParseTuple(args, "UO|pn:match", &text, &check, &keep, &block)) return NULL;
    if (block < 1) {
        PyErr_SetString(PyExc_ValueError, "block must be positive");
        return NULL;
    }
    FoldOut fo;
    int rc;
    if (!keep && !self->calls_back && PyUnicode_GET_LENGTH(text) > block) { /* a long text a block at a time */
        PyObject *found = NULL;
        rc = stream_match(self, text, check, block, &found);
        if (rc == 0) return found;
        if (rc == 2) rc = fold_general(self, text, &fo);
    } else {
        rc = fold_impl(self, text, &fo);
    }
    if (rc < 0) return NULL;
    if (rc == 1) Py_RETURN_NONE;
    OffMap om = {fo.map, fo.anchors, fo.nanchors};
    Lazy lz = {fo.text, fo.len, &om, NULL, NULL};
    PyObject *result = scan_select(self, text, fo.text, fo.len, &om, check, &lz, keep);
    if (result != NULL && keep) {
        PyObject *found = result;
        result = lazy_objects(&lz) < 0 ? NULL
                                        : PyTuple_Pack(4, PyTuple_GET_ITEM(found, 0), PyTuple_GET_ITEM(found, 1), lz.ftext, lz.omap);
        Py_DECREF(found);
    }
    Py_XDECREF(lz.ftext);
    Py_XDECREF(lz.omap);
    PyMem_Free(fo.text);
    PyMem_Free(fo.map);
    PyMem_Free(fo.anchors);
    return result;
}

/* ---------------------------------------------------------------- language */

static inline uint16_t lcls_of(Core *self, Py_UCS4 c, int *err) {
    if (c < TABLE_SIZE) return self->lcls[c];
    if (PyDict_GET_SIZE(self->astral_lang) == 0) return 0;
    PyObject *v = by_code_point(self->astral_lang, c);
    if (v == NULL) {
        if (PyErr_Occurred()) *err = 1;
        return 0;
    }
    return (uint16_t)PyLong_AsLong(v);
}

/* lang_stats(text, spans, sample) -> (counts, firsts, trad, simp, flags, stop_scores)
 *
 * Over the first ``sample`` characters of the text with each span (a list of tuples whose first
 * two items are start and end, sorted) replaced by one space: letters per script and where each
 * script first appears, traditional and simplified Han characters, the letter flags of Uyghur,
 * Kazakh and Kyrgyz, and per stop-word language how many of the first 5000 characters' words
 * are its stop words. */
static PyObject *Core_lang_stats(Core *self, PyObject *args) {
    PyObject *text, *spans;
    Py_ssize_t sample;
    if (!PyArg_ParseTuple(args, "UOn:lang_stats", &text, &spans, &sample)) return NULL;
    if (spans != Py_None && !PyList_Check(spans)) {
        PyErr_SetString(PyExc_TypeError, "spans must be a list or None");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t counts[N_SCRIPTS + 1] = {0}, firsts[N_SCRIPTS + 1];
    for (int i = 0; i <= N_SCRIPTS; i++) firsts[i] = -1;
    Py_ssize_t trad = 0, simp = 0, scores[N_STOP_LANGS] = {0};
    unsigned flags = 0;
    Py_ssize_t nspans = spans == Py_None ? 0 : PyList_GET_SIZE(spans), si = 0;
    Py_ssize_t bpos = 0; /* position in the text with spans replaced */
    Py_UCS4 word[STOP_MAX];
    int wlen = 0, wbad = 0, inword = 0, err = 0;
    uint32_t wh = STOP_SEED;
#define END_WORD()                                                                                                     \
    do {                                                                                                               \
        if (inword && !wbad && wlen > 0) {                                                                             \
            for (uint32_t sl_ = STOP_HOME(wh, wlen);; sl_ = (sl_ + 1) & (STOP_SLOTS - 1)) {                            \
                int16_t j_ = self->stop_slot[sl_];                                                                     \
                if (j_ < 0) break;                                                                                     \
                if (self->stoplen[j_] != wlen) continue;                                                               \
                int k_ = 0;                                                                                            \
                while (k_ < wlen && self->stop[j_][k_] == word[k_]) k_++;                                              \
                if (k_ < wlen) continue;                                                                               \
                for (int l_ = 0; l_ < N_STOP_LANGS; l_++) scores[l_] += self->stop_hits[j_][l_];                       \
                break;                                                                                                 \
            }                                                                                                          \
        }                                                                                                              \
        inword = 0;                                                                                                    \
        wlen = 0;                                                                                                      \
        wbad = 0;                                                                                                      \
    } while (0)
    Py_ssize_t i = 0, next_span = PY_SSIZE_T_MAX;
#define NEXT_SPAN()                                                                                                    \
    do {                                                                                                               \
        next_span = PY_SSIZE_T_MAX;                                                                                    \
        if (si < nspans) {                                                                                             \
            PyObject *sp_ = PyList_GET_ITEM(spans, si);                                                                \
            if (!PyTuple_Check(sp_) || PyTuple_GET_SIZE(sp_) < 2) {                                                    \
                PyErr_SetString(PyExc_TypeError, "spans must be tuples (start, end, ...)");                            \
                return NULL;                                                                                           \
            }                                                                                                          \
            next_span = PyLong_AsSsize_t(PyTuple_GET_ITEM(sp_, 0));                                                    \
            if (next_span == -1 && PyErr_Occurred()) return NULL;                                                      \
        }                                                                                                              \
    } while (0)
    NEXT_SPAN();
    int run_script = 0;
    Py_ssize_t run = 0, latin = 0; /* latin: ASCII letters, counted apart from the runs */
    const uint16_t *lcls = self->lcls;
    /* one character of the text with the spans blanked out (c), at position bpos */
#define LANG_CHAR(c)                                                                                                   \
    do {                                                                                                               \
        uint16_t l_ = (c) < TABLE_SIZE ? self->lcls[(c)] : lcls_of(self, (c), &err);                                   \
        if (err) return NULL;                                                                                          \
        if (bpos < 5000) {                                                                                             \
            int wordch_ = (c) < TABLE_SIZE ? (l_ & L_WORD) : (Py_UNICODE_ISALNUM(c) && !Py_UNICODE_ISDECIMAL(c));     \
            if (wordch_) {                                                                                             \
                if (!inword) {                                                                                         \
                    inword = 1;                                                                                        \
                    wlen = 0;                                                                                          \
                    wbad = 0;                                                                                          \
                    wh = STOP_SEED;                                                                                    \
                }                                                                                                      \
                /* a letter in no stop word, or İ (lower case i + a combining dot), spoils the word */               \
                if (wbad || !(l_ & L_STOPCHAR) || (c) == 0x130 || wlen >= STOP_MAX)                                    \
                    wbad = 1;                                                                                          \
                else {                                                                                                 \
                    Py_UCS4 lc_ = (c) < 128 ? (((c) >= 'A' && (c) <= 'Z') ? (c) + 32 : (c)) : Py_UNICODE_TOLOWER(c);   \
                    word[wlen++] = lc_;                                                                                \
                    wh = STOP_STEP(wh, lc_);                                                                           \
                }                                                                                                      \
            } else if (inword) {                                                                                       \
                END_WORD();                                                                                            \
            }                                                                                                          \
        } else if (inword) {                                                                                           \
            END_WORD();                                                                                                \
        }                                                                                                              \
        int script_ = l_ & L_SCRIPT;                                                                                   \
        /* counted by runs: a counter in memory bumped every character waits on its own store */                    \
        if (script_ == run_script) {                                                                                   \
            run++;                                                                                                     \
        } else {                                                                                                       \
            counts[run_script] += run;                                                                                 \
            run_script = script_;                                                                                      \
            run = 1;                                                                                                   \
            if (firsts[script_] < 0) firsts[script_] = bpos;                                                           \
        }                                                                                                              \
        trad += (l_ & L_TRAD) != 0;                                                                                    \
        simp += (l_ & L_SIMP) != 0;                                                                                    \
        flags |= l_ & (L_UYGHUR | L_KK_ONLY | L_UG_KK | L_ZHE | L_KY);                                                \
        bpos++;                                                                                                        \
    } while (0)
/* LANG_CHAR for a run of ASCII letters [i, j_): all Latin; only those in the stop-word window
   go into the word, and only while it can still be a stop word */
#define ASCII_WORD()                                                                                                   \
    do {                                                                                                               \
        Py_ssize_t len_ = j_ - i, in_ = bpos < 5000 ? 5000 - bpos : 0;                                                 \
        if (in_ > len_) in_ = len_;                                                                                    \
        if (in_ > 0) {                                                                                                 \
            if (!inword) {                                                                                             \
                inword = 1;                                                                                            \
                wlen = 0;                                                                                              \
                wbad = 0;                                                                                              \
                wh = STOP_SEED;                                                                                        \
            }                                                                                                          \
            if (wlen + in_ > self->stop_longest) wbad = 1; /* longer than any stop word */                             \
            for (Py_ssize_t k_ = i; k_ < i + in_ && !wbad; k_++) {                                                     \
                Py_UCS4 lc_ = p_[k_] | 0x20;                                                                           \
                if (!(lcls[p_[k_]] & L_STOPCHAR) || wlen >= STOP_MAX) {                                                \
                    wbad = 1;                                                                                          \
                } else {                                                                                               \
                    word[wlen++] = lc_;                                                                                \
                    wh = STOP_STEP(wh, lc_);                                                                           \
                }                                                                                                      \
            }                                                                                                          \
        }                                                                                                              \
        if (in_ < len_ && inword) END_WORD();                                                                          \
        latin += len_;                                                                                                 \
        if (firsts[1] < 0) firsts[1] = bpos;                                                                           \
        bpos += len_;                                                                                                  \
    } while (0)
#define LANG_RUN(TYPE)                                                                                                 \
    do {                                                                                                               \
        const TYPE *p_ = (const TYPE *)data;                                                                           \
        while (i < stop_at) {                                                                                          \
            Py_UCS4 c_ = p_[i];                                                                                        \
            if (c_ >= 128) {                                                                                           \
                LANG_CHAR(c_);                                                                                         \
                i++;                                                                                                   \
            } else if (lcls[c_] & L_WORD) {                                                                            \
                Py_ssize_t j_ = i + 1;                                                                                 \
                while (j_ < stop_at && p_[j_] < 128 && (lcls[p_[j_]] & L_WORD)) j_++;                                  \
                ASCII_WORD();                                                                                      \
                i = j_;                                                                                                \
            } else {                                                                                                   \
                if (inword) END_WORD();                                                                                \
                bpos++;                                                                                                \
                i++;                                                                                                   \
            }                                                                                                          \
        }                                                                                                              \
    } while (0)
    while (i < n && bpos < sample) {
        if (i >= next_span) {
            Py_ssize_t e = PyLong_AsSsize_t(PyTuple_GET_ITEM(PyList_GET_ITEM(spans, si), 1));
            if (e == -1 && PyErr_Occurred()) return NULL;
            /* one space for the span; overlapping spans as _between joins them */
            Py_UCS4 space = ' ';
            LANG_CHAR(space);
            if (e > i) i = e;
            si++;
            NEXT_SPAN();
            continue;
        }
        /* the characters up to the next span, or as many as the sample still takes */
        Py_ssize_t stop_at = next_span < n ? next_span : n;
        if (stop_at - i > sample - bpos) stop_at = i + (sample - bpos);
        BY_WIDTH(kind, LANG_RUN);
    }
#undef LANG_RUN
#undef ASCII_WORD
#undef LANG_CHAR
    counts[run_script] += run;
    counts[1] += latin;
    END_WORD();
#undef END_WORD
#undef NEXT_SPAN
    PyObject *c_t = PyTuple_New(N_SCRIPTS), *f_t = PyTuple_New(N_SCRIPTS), *s_t = PyTuple_New(N_STOP_LANGS);
    if (c_t == NULL || f_t == NULL || s_t == NULL) {
        Py_XDECREF(c_t);
        Py_XDECREF(f_t);
        Py_XDECREF(s_t);
        return NULL;
    }
    for (int k = 0; k < N_SCRIPTS; k++) {
        PyTuple_SET_ITEM(c_t, k, PyLong_FromSsize_t(counts[k + 1]));
        PyTuple_SET_ITEM(f_t, k, PyLong_FromSsize_t(firsts[k + 1]));
    }
    for (int k = 0; k < N_STOP_LANGS; k++) PyTuple_SET_ITEM(s_t, k, PyLong_FromSsize_t(scores[k]));
    return Py_BuildValue("(NNnnIN)", c_t, f_t, trad, simp, flags, s_t);
}

static PyObject *Core_stats(Core *self, PyObject *unused) {
    return Py_BuildValue("{s:i,s:i,s:n}", "keys", (int)self->nkeys, "states", (int)self->nstates, "transitions",
                         (Py_ssize_t)self->hcount);
}

/* ---------------------------------------------------------------- annotations */

/* assemble(type, text, matches, copies, miss) -> list of annotations.
 *
 * Each match of match()/find() becomes an instance of `type` (a named tuple whose first two
 * fields are start and end). A corpus repeats its surfaces, and an annotation depends only on
 * the match's surface, key, terms, base length, ambiguity, sentence start and quotation: for
 * those seen before, a copy of the earlier annotation with this match's offsets. `copies` is a
 * dict from surface to a list of [code, base length, terms, annotation, untrackable], code
 * packing the key and the three flags. For the others miss(match) returns (annotation, reusable). */

static PyObject *assemble(PyObject *module, PyObject *args) {
    PyTypeObject *type;
    PyObject *text, *matches, *copies, *miss;
    if (!PyArg_ParseTuple(args, "O!UO!O!O:assemble", &PyType_Type, &type, &text, &PyList_Type, &matches, &PyDict_Type,
                          &copies, &miss))
        return NULL;
    if (!PyType_IsSubtype(type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "assemble() makes tuples");
        return NULL;
    }
    Py_ssize_t nm = PyList_GET_SIZE(matches);
    PyObject *out = PyList_New(nm);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < nm; i++) {
        PyObject *m = PyList_GET_ITEM(matches, i), *ann = NULL, *surface = NULL;
        if (!PyTuple_Check(m) || PyTuple_GET_SIZE(m) != 9) {
            PyErr_SetString(PyExc_TypeError, "a match is a tuple of nine");
            goto fail;
        }
        Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(m, 0)), end = PyLong_AsSsize_t(PyTuple_GET_ITEM(m, 1)),
                   base_len = PyLong_AsSsize_t(PyTuple_GET_ITEM(m, 2)) - start;
        long code = PyLong_AsLong(PyTuple_GET_ITEM(m, 5)) * 8 + (PyTuple_GET_ITEM(m, 4) == Py_True) +
                    2 * (PyTuple_GET_ITEM(m, 7) == Py_True) + 4 * (PyTuple_GET_ITEM(m, 6) == Py_True);
        if (PyErr_Occurred()) goto fail;
        PyObject *terms = PyTuple_GET_ITEM(m, 3);
        int reusable = PyTuple_GET_ITEM(m, 8) == Py_None; /* other readings: always resolved anew */
        if (reusable) {
            surface = PyUnicode_Substring(text, start, end);
            if (surface == NULL) goto fail;
            PyObject *bucket = PyDict_GetItemWithError(copies, surface), *tpl = NULL, *entry = NULL;
            if (bucket == NULL && PyErr_Occurred()) goto fail;
            for (Py_ssize_t k = 0; bucket != NULL && k < PyList_GET_SIZE(bucket); k++) {
                PyObject *e = PyList_GET_ITEM(bucket, k);
                if (PyLong_AsLong(PyList_GET_ITEM(e, 0)) != code || PyLong_AsSsize_t(PyList_GET_ITEM(e, 1)) != base_len)
                    continue;
                int same = PyObject_RichCompareBool(PyList_GET_ITEM(e, 2), terms, Py_EQ);
                if (same < 0) goto fail;
                if (same) {
                    entry = e;
                    tpl = PyList_GET_ITEM(e, 3);
                    break;
                }
            }
            if (tpl != NULL) {
                Py_ssize_t nf = PyTuple_GET_SIZE(tpl);
                ann = type->tp_alloc(type, nf);
                if (ann == NULL) goto fail;
                PyTuple_SET_ITEM(ann, 0, Py_NewRef(PyTuple_GET_ITEM(m, 0))); /* the match's own offsets */
                PyTuple_SET_ITEM(ann, 1, Py_NewRef(PyTuple_GET_ITEM(m, 1)));
                for (Py_ssize_t f = 2; f < nf; f++) {
                    PyObject *v = PyTuple_GET_ITEM(tpl, f);
                    Py_INCREF(v);
                    PyTuple_SET_ITEM(ann, f, v);
                }
                /* An annotation holding nothing the collector tracks (strings, numbers, tuples
                   of strings) can be in no reference cycle: untracked, a corpus of them is not
                   walked again and again by the collector (it untracks plain tuples so itself,
                   but not named tuples). The entry remembers once the earlier one held none. */
                if (PyList_GET_ITEM(entry, 4) != Py_True) {
                    int tracked = 0;
                    for (Py_ssize_t f = 2; f < nf && !tracked; f++) tracked = PyObject_GC_IsTracked(PyTuple_GET_ITEM(tpl, f));
                    if (!tracked) PyList_SetItem(entry, 4, Py_NewRef(Py_True));
                }
                if (PyList_GET_ITEM(entry, 4) == Py_True) PyObject_GC_UnTrack(ann);
                Py_DECREF(surface);
                PyList_SET_ITEM(out, i, ann);
                continue;
            }
        }
        PyObject *got = PyObject_CallOneArg(miss, m);
        if (got == NULL) goto fail;
        if (!PyTuple_Check(got) || PyTuple_GET_SIZE(got) != 2 || !PyObject_TypeCheck(PyTuple_GET_ITEM(got, 0), type) ||
            PyTuple_GET_SIZE(PyTuple_GET_ITEM(got, 0)) < 2) {
            Py_DECREF(got);
            PyErr_SetString(PyExc_TypeError, "miss() must return (annotation, reusable)");
            goto fail;
        }
        ann = PyTuple_GET_ITEM(got, 0);
        Py_INCREF(ann);
        int reuse = PyObject_IsTrue(PyTuple_GET_ITEM(got, 1));
        Py_DECREF(got);
        if (reuse < 0) goto fail;
        if (reuse && reusable) {
            PyObject *bucket = PyDict_GetItemWithError(copies, surface);
            if (bucket == NULL) {
                if (PyErr_Occurred()) goto fail;
                PyObject *fresh = PyList_New(0);
                if (fresh == NULL || PyDict_SetItem(copies, surface, fresh) < 0) {
                    Py_XDECREF(fresh);
                    goto fail;
                }
                bucket = fresh;
                Py_DECREF(fresh); /* the dict holds it */
            }
            PyObject *e = Py_BuildValue("[lnOOO]", code, base_len, terms, ann, Py_False);
            if (e == NULL || PyList_Append(bucket, e) < 0) {
                Py_XDECREF(e);
                goto fail;
            }
            Py_DECREF(e);
        }
        Py_XDECREF(surface);
        PyList_SET_ITEM(out, i, ann);
        continue;
    fail:
        Py_XDECREF(surface);
        Py_XDECREF(ann);
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* ---------------------------------------------------------------- typo layer */

/* TokenSet: words known to have no typo reading (typo_index.FuzzyIndex's cache of them), kept
 * as code points so that letter_runs() can skip a known word without making a str of it. A
 * cache: it pickles empty. */
typedef struct {
    uint32_t hash;
    int32_t len;
    Py_ssize_t at; /* in pool; -1: an empty slot */
} TokenSlot;

typedef struct {
    PyObject_HEAD
    Py_UCS4 *pool;
    Py_ssize_t pool_n, pool_cap;
    TokenSlot *slots;
    Py_ssize_t mask, count; /* slots: mask + 1, a power of two, at most half full */
} TokenSet;

static uint32_t token_hash(int kind, const void *data, Py_ssize_t start, Py_ssize_t len) {
    uint32_t h = STOP_SEED;
    for (Py_ssize_t i = 0; i < len; i++) h = STOP_STEP(h, PyUnicode_READ(kind, data, start + i));
    return h;
}

/* the slot of the word [start, start + len) of a string of this kind: its own or the empty one
   where it would go */
static TokenSlot *token_slot(const TokenSet *ts, int kind, const void *data, Py_ssize_t start, Py_ssize_t len, uint32_t h) {
    for (size_t i = (h * 0x9E3779B1u) & (size_t)ts->mask;; i = (i + 1) & (size_t)ts->mask) {
        TokenSlot *sl = &ts->slots[i];
        if (sl->at < 0) return sl;
        if (sl->hash != h || sl->len != len) continue;
        Py_ssize_t j = 0;
        while (j < len && ts->pool[sl->at + j] == PyUnicode_READ(kind, data, start + j)) j++;
        if (j == len) return sl;
    }
}

static int token_room(TokenSet *ts) {
    if (ts->slots != NULL && 2 * (ts->count + 1) <= ts->mask + 1) return 0;
    Py_ssize_t size = ts->slots == NULL ? 1024 : 2 * (ts->mask + 1);
    TokenSlot *old = ts->slots, *fresh = PyMem_Malloc((size_t)size * sizeof(TokenSlot));
    if (fresh == NULL) return PyErr_NoMemory(), -1;
    for (Py_ssize_t i = 0; i < size; i++) fresh[i].at = -1;
    Py_ssize_t old_size = old == NULL ? 0 : ts->mask + 1;
    ts->slots = fresh;
    ts->mask = size - 1;
    for (Py_ssize_t i = 0; i < old_size; i++) {
        if (old[i].at < 0) continue;
        size_t k = (old[i].hash * 0x9E3779B1u) & (size_t)ts->mask;
        while (fresh[k].at >= 0) k = (k + 1) & (size_t)ts->mask;
        fresh[k] = old[i];
    }
    PyMem_Free(old);
    return 0;
}

static PyObject *TokenSet_add(TokenSet *ts, PyObject *word) {
    if (!PyUnicode_Check(word)) {
        PyErr_SetString(PyExc_TypeError, "add() takes a str");
        return NULL;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(word);
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    if (len > INT32_MAX || token_room(ts) < 0) return len > INT32_MAX ? PyErr_NoMemory() : NULL;
    uint32_t h = token_hash(kind, data, 0, len);
    TokenSlot *sl = token_slot(ts, kind, data, 0, len, h);
    if (sl->at >= 0) Py_RETURN_NONE;
    Py_UCS4 *pool = room_for_one(ts->pool, ts->pool_n + len, &ts->pool_cap, sizeof(Py_UCS4), 4096);
    if (pool == NULL) return NULL;
    ts->pool = pool;
    for (Py_ssize_t j = 0; j < len; j++) pool[ts->pool_n + j] = PyUnicode_READ(kind, data, j);
    *sl = (TokenSlot){h, (int32_t)len, ts->pool_n};
    ts->pool_n += len;
    ts->count++;
    Py_RETURN_NONE;
}

static PyObject *TokenSet_clear(TokenSet *ts, PyObject *unused) {
    PyMem_Free(ts->slots);
    ts->slots = NULL;
    ts->mask = ts->count = ts->pool_n = 0;
    Py_RETURN_NONE;
}

static int TokenSet_contains(TokenSet *ts, PyObject *word) {
    if (!PyUnicode_Check(word) || ts->slots == NULL) return 0;
    Py_ssize_t len = PyUnicode_GET_LENGTH(word);
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    return token_slot(ts, kind, data, 0, len, token_hash(kind, data, 0, len))->at >= 0;
}

static Py_ssize_t TokenSet_len(TokenSet *ts) { return ts->count; }

static PyObject *TokenSet_reduce(TokenSet *ts, PyObject *unused) { return Py_BuildValue("(O())", Py_TYPE(ts)); }

static void TokenSet_dealloc(TokenSet *ts) {
    PyMem_Free(ts->slots);
    PyMem_Free(ts->pool);
    Py_TYPE(ts)->tp_free((PyObject *)ts);
}

static PyMethodDef TokenSet_methods[] = {
    {"add", (PyCFunction)TokenSet_add, METH_O, "add(word)"},
    {"clear", (PyCFunction)TokenSet_clear, METH_NOARGS, "clear()"},
    {"__reduce__", (PyCFunction)TokenSet_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods TokenSet_as_sequence = {
    .sq_length = (lenfunc)TokenSet_len,
    .sq_contains = (objobjproc)TokenSet_contains,
};

static PyTypeObject TokenSetType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "termnorm._core.TokenSet",
    .tp_basicsize = sizeof(TokenSet),
    .tp_dealloc = (destructor)TokenSet_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Words known to have no typo reading.",
    .tp_methods = TokenSet_methods,
    .tp_as_sequence = &TokenSet_as_sequence,
    .tp_new = PyType_GenericNew,
};

/* letter_runs(text, letters, shortest, known=None) -> the set of the runs of letters at least
 * `shortest` long that are not in `known` (a TokenSet): the words the typo layer reads
 * (typo_index._CANDIDATE_RE.findall, without a list of every occurrence). letters: a bitmap of
 * the Basic Multilingual Plane, 8,192 bytes, from Python. A word seen just before is not made
 * again (a small table of the last word per hash). */
static PyObject *letter_runs(PyObject *module, PyObject *args) {
    PyObject *text, *known_obj = Py_None;
    Py_buffer bits;
    Py_ssize_t shortest;
    if (!PyArg_ParseTuple(args, "Uy*n|O:letter_runs", &text, &bits, &shortest, &known_obj)) return NULL;
    if (bits.len != 0x10000 / 8 || (known_obj != Py_None && !PyObject_TypeCheck(known_obj, &TokenSetType))) {
        PyBuffer_Release(&bits);
        PyErr_SetString(PyExc_ValueError, "letters is a bitmap of 65,536 bits, known a TokenSet or None");
        return NULL;
    }
    const TokenSet *known = known_obj == Py_None || ((TokenSet *)known_obj)->slots == NULL ? NULL : (TokenSet *)known_obj;
    const uint8_t *b = bits.buf;
    PyObject *out = PySet_New(NULL);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    struct {
        Py_ssize_t start, len;
    } last[256];
    memset(last, 0, sizeof(last));
#define LETTER(c) ((c) < 0x10000 && ((b[(c) >> 3] >> ((c) & 7)) & 1))
#define RUNS(TYPE)                                                                                                     \
    do {                                                                                                               \
        const TYPE *p_ = (const TYPE *)data;                                                                           \
        for (Py_ssize_t i = 0; i < n;) {                                                                               \
            if (!LETTER(p_[i])) {                                                                                      \
                i++;                                                                                                   \
                continue;                                                                                              \
            }                                                                                                          \
            Py_ssize_t start = i;                                                                                      \
            uint32_t h = STOP_SEED;                                                                                    \
            for (; i < n && LETTER(p_[i]); i++) h = STOP_STEP(h, p_[i]);                                               \
            Py_ssize_t len = i - start;                                                                                \
            if (len < shortest) continue;                                                                              \
            if (known != NULL && token_slot(known, kind, data, start, len, h)->at >= 0) continue;                      \
            unsigned slot = (h * 0x9E3779B1u) >> 24;                                                                   \
            if (last[slot].len == len && memcmp(p_ + last[slot].start, p_ + start, (size_t)len * sizeof(TYPE)) == 0)   \
                continue;                                                                                              \
            last[slot].start = start, last[slot].len = len;                                                            \
            PyObject *w = PyUnicode_Substring(text, start, i);                                                         \
            if (w == NULL || PySet_Add(out, w) < 0) {                                                                  \
                Py_XDECREF(w);                                                                                         \
                Py_CLEAR(out);                                                                                         \
                break;                                                                                                 \
            }                                                                                                          \
            Py_DECREF(w);                                                                                              \
        }                                                                                                              \
    } while (0)
    if (out != NULL) BY_WIDTH(kind, RUNS);
#undef RUNS
#undef LETTER
    PyBuffer_Release(&bits);
    return out;
}

static PyMethodDef module_methods[] = {
    {"assemble", (PyCFunction)assemble, METH_VARARGS, "assemble(type, text, matches, copies, miss) -> annotations"},
    {"letter_runs", (PyCFunction)letter_runs, METH_VARARGS, "letter_runs(text, letters, shortest, known=None) -> set of words"},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef Core_methods[] = {
    {"fold", (PyCFunction)Core_fold, METH_O, "fold(text) -> (folded, map) or None"},
    {"find", (PyCFunction)Core_find, METH_VARARGS, "find(text, folded, map, check) -> (matches, regions)"},
    {"match", (PyCFunction)Core_match, METH_VARARGS, "match(text, check, keep=False, block=65536) -> (matches, regions[, folded, map]) or None"},
    {"quote_regions", (PyCFunction)Core_quote_regions, METH_O, "quote_regions(text) -> (starts, ends)"},
    {"lang_stats", (PyCFunction)Core_lang_stats, METH_VARARGS, "lang_stats(text, spans, sample)"},
    {"stats", (PyCFunction)Core_stats, METH_NOARGS, "sizes of the automaton"},
    {"__reduce__", (PyCFunction)Core_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CoreType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "termnorm._core.Core",
    .tp_basicsize = sizeof(Core),
    .tp_dealloc = (destructor)Core_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Folding tables and the automaton of one glossary.",
    .tp_methods = Core_methods,
    .tp_init = (initproc)Core_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef coremodule = {
    PyModuleDef_HEAD_INIT, "_core", "termnorm's per-character work in C.", -1, module_methods,
};

PyMODINIT_FUNC PyInit__core(void) {
    if (PyType_Ready(&CoreType) < 0 || PyType_Ready(&TokenSetType) < 0) return NULL;
    PyObject *m = PyModule_Create(&coremodule);
    if (m == NULL) return NULL;
    if (PyModule_AddObjectRef(m, "Core", (PyObject *)&CoreType) < 0 ||
        PyModule_AddObjectRef(m, "TokenSet", (PyObject *)&TokenSetType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    PyModule_AddIntConstant(m, "TABLE_SIZE", TABLE_SIZE);
    return m;
}
