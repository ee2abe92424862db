/*
 * mailbox.h - mailboxes: two-party FIFO channels between processes (SPEC 4.5, 10).
 *
 * A mailbox joins exactly two processes, both of whom asked for it with link. It holds
 * one queue per direction of at most mailboxCapacity 64-bit messages. Ids are global and
 * never reused. A mailbox lives until it is unlinked or both ends have ended.
 */
#ifndef MVM_MAILBOX_H
#define MVM_MAILBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"

typedef struct MsgQueue {
    int64_t *buf;          /* ring buffer, grown on demand up to the capacity */
    uint32_t head, count, cap;
} MsgQueue;

typedef struct Mailbox {
    int64_t  id;
    int64_t  pid[2];       /* its two ends */
    bool     ended[2];     /* that end's process has ended */
    bool     closed;       /* unlinked: every further use fails with 9 */
    MsgQueue q[2];         /* q[i] holds the messages for end i, sent by the other end */
} Mailbox;

/* A link request from one process to another that has not asked back yet. */
typedef struct LinkRequest { int64_t from, to; } LinkRequest;

/* link: 0 and *id when both have asked; else an error code (24 self, 29 no such live
 * process, 30 until the peer asks). */
int  mbox_link(VM *vm, Proc *p, int64_t pid, int64_t *id);
int  mbox_unlink(VM *vm, Proc *p, int64_t id);
int  mbox_send(VM *vm, Proc *p, int64_t id, int64_t value);
int  mbox_receive(VM *vm, Proc *p, int64_t id, int64_t *value);
/* Is there an open mailbox between a and b? (share_m's consent rule) */
bool mbox_linked(VM *vm, int64_t a, int64_t b);
/* p has ended: its ends close for sending, its pending requests go. */
void mbox_process_ended(VM *vm, Proc *p);
/* Free every mailbox and link request, and the semaphore table (semaphore.h). */
void mbox_free_all(VM *vm);

#endif
