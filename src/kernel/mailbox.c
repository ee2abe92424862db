/*
 * mailbox.c - the mailbox table and message queues (see mailbox.h).
 *
 * Mailboxes are kept in an array indexed by id - 1 (ids only grow); a freed mailbox
 * leaves a NULL. Link requests are a short list searched linearly: they live only until
 * the peer answers.
 */
#include "mailbox.h"

#include <stdlib.h>
#include <string.h>

#include "../vm/errors.h"

static Mailbox *find(VM *vm, int64_t id)
{
    return id >= 1 && (uint64_t)id <= vm->nmailboxes ? vm->mailboxes[id - 1] : NULL;
}

/* Which end of m is pid: 0, 1, or -1 for neither. */
static int end_of(const Mailbox *m, int64_t pid)
{
    return m->pid[0] == pid ? 0 : m->pid[1] == pid ? 1 : -1;
}

/* The mailbox joining a and b that is not unlinked, or NULL; `ended_ok`: also one whose
 * ends have ended (they are never used again by them, but are still the link). */
static Mailbox *between(VM *vm, int64_t a, int64_t b, bool ended_ok)
{
    for (uint64_t i = 0; i < vm->nmailboxes; i++) {
        Mailbox *m = vm->mailboxes[i];
        if (m && !m->closed && (ended_ok || (!m->ended[0] && !m->ended[1])) && end_of(m, a) >= 0 &&
            end_of(m, b) >= 0)
            return m;
    }
    return NULL;
}

static Mailbox *open_between(VM *vm, int64_t a, int64_t b) { return between(vm, a, b, false); }

bool mbox_linked(VM *vm, int64_t a, int64_t b) { return open_between(vm, a, b) != NULL; }

static ptrdiff_t find_request(VM *vm, int64_t from, int64_t to)
{
    for (size_t i = 0; i < vm->nrequests; i++)
        if (vm->requests[i].from == from && vm->requests[i].to == to)
            return (ptrdiff_t)i;
    return -1;
}

static void drop_request(VM *vm, size_t i)
{
    vm->requests[i] = vm->requests[--vm->nrequests];
}

static int add_request(VM *vm, int64_t from, int64_t to)
{
    if (find_request(vm, from, to) >= 0)
        return 0;
    if (vm->nrequests == vm->requests_cap) {
        size_t cap = vm->requests_cap ? vm->requests_cap * 2 : 8;
        LinkRequest *r = realloc(vm->requests, cap * sizeof *r);
        if (!r)
            return ERR_MEMORY_ALLOCATION;
        vm->requests = r;
        vm->requests_cap = cap;
    }
    vm->requests[vm->nrequests++] = (LinkRequest){ from, to };
    return 0;
}

static Mailbox *create(VM *vm, int64_t a, int64_t b)
{
    if (vm->nmailboxes == vm->mailboxes_cap) {
        size_t cap = vm->mailboxes_cap ? vm->mailboxes_cap * 2 : 8;
        Mailbox **t = realloc(vm->mailboxes, cap * sizeof *t);
        if (!t)
            return NULL;
        vm->mailboxes = t;
        vm->mailboxes_cap = cap;
    }
    Mailbox *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->id = (int64_t)vm->nmailboxes + 1;
    m->pid[0] = a;
    m->pid[1] = b;
    vm->mailboxes[vm->nmailboxes++] = m;
    return m;
}

static void destroy(VM *vm, Mailbox *m)
{
    vm->mailboxes[m->id - 1] = NULL;
    free(m->q[0].buf);
    free(m->q[1].buf);
    free(m);
}

int mbox_link(VM *vm, Proc *p, int64_t pid, int64_t *id)
{
    if (pid == p->pid)
        return ERR_INVALID_ARGUMENT;
    /* Linking again returns the existing id, even once the peer has ended (SPEC 4.5: the
     * survivor may still receive what was queued for it); under fifo the peer that
     * completed a link may well end before the first asker asks again. */
    Mailbox *m = between(vm, p->pid, pid, true);
    if (!m) {
        if (!proc_find_live(vm, pid))
            return ERR_PROCESS_NOT_FOUND;
        ptrdiff_t r = find_request(vm, pid, p->pid);
        if (r < 0)
            return add_request(vm, p->pid, pid) ? ERR_MEMORY_ALLOCATION : ERR_WOULD_BLOCK;
        drop_request(vm, (size_t)r);
        if (!(m = create(vm, pid, p->pid)))
            return ERR_MEMORY_ALLOCATION;
    }
    /* The asker's own request is answered either way. */
    ptrdiff_t mine = find_request(vm, p->pid, pid);
    if (mine >= 0)
        drop_request(vm, (size_t)mine);
    *id = m->id;
    return 0;
}

/* The mailbox id as seen by p: 9 unless p is one of its ends and it is still open. */
static int usable(VM *vm, Proc *p, int64_t id, Mailbox **out, int *end)
{
    Mailbox *m = find(vm, id);
    if (!m || m->closed || (*end = end_of(m, p->pid)) < 0)
        return ERR_FILE_ACCESS;
    *out = m;
    return 0;
}

int mbox_unlink(VM *vm, Proc *p, int64_t id)
{
    Mailbox *m;
    int end;
    int e = usable(vm, p, id, &m, &end);
    if (e)
        return e;
    m->closed = true;
    free(m->q[0].buf);
    free(m->q[1].buf);
    memset(m->q, 0, sizeof m->q);
    return 0;
}

int mbox_send(VM *vm, Proc *p, int64_t id, int64_t value)
{
    Mailbox *m;
    int end;
    int e = usable(vm, p, id, &m, &end);
    if (e)
        return e;
    if (m->ended[!end])
        return ERR_FILE_ACCESS;   /* nobody left to read it */
    MsgQueue *q = &m->q[!end];
    if (q->count == (uint32_t)vm->opt.mailbox_capacity)
        return ERR_WOULD_BLOCK;
    if (q->count == q->cap) {   /* grow the ring, unrolling it to start at 0 */
        uint32_t cap = q->cap ? q->cap * 2 : 16;
        if (cap > (uint32_t)vm->opt.mailbox_capacity)
            cap = (uint32_t)vm->opt.mailbox_capacity;
        int64_t *b = malloc(cap * sizeof *b);
        if (!b)
            return ERR_MEMORY_ALLOCATION;
        for (uint32_t i = 0; i < q->count; i++)
            b[i] = q->buf[(q->head + i) % q->cap];
        free(q->buf);
        q->buf = b;
        q->head = 0;
        q->cap = cap;
    }
    q->buf[(q->head + q->count) % q->cap] = value;
    q->count++;
    return 0;
}

int mbox_receive(VM *vm, Proc *p, int64_t id, int64_t *value)
{
    Mailbox *m;
    int end;
    int e = usable(vm, p, id, &m, &end);
    if (e)
        return e;
    MsgQueue *q = &m->q[end];
    if (q->count == 0)
        return m->ended[!end] ? ERR_FILE_ACCESS : ERR_WOULD_BLOCK;
    *value = q->buf[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    return 0;
}

void mbox_process_ended(VM *vm, Proc *p)
{
    for (size_t i = 0; i < vm->nrequests;) {
        if (vm->requests[i].from == p->pid || vm->requests[i].to == p->pid)
            drop_request(vm, i);
        else
            i++;
    }
    for (uint64_t i = 0; i < vm->nmailboxes; i++) {
        Mailbox *m = vm->mailboxes[i];
        int end = m ? end_of(m, p->pid) : -1;
        if (end < 0)
            continue;
        m->ended[end] = true;
        if (m->ended[!end])
            destroy(vm, m);
    }
}

void mbox_free_all(VM *vm)
{
    for (uint64_t i = 0; i < vm->nmailboxes; i++)
        if (vm->mailboxes[i])
            destroy(vm, vm->mailboxes[i]);
    free(vm->mailboxes);
    free(vm->requests);
    vm->mailboxes = NULL;
    vm->requests = NULL;
    vm->nmailboxes = vm->mailboxes_cap = vm->nrequests = vm->requests_cap = 0;
}
