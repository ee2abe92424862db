/*
 * debug_cmd.c - `mvm debug`: the command line over the debugger engine (SPEC 9,
 * docs/debugger.md). This file only reads commands and prints; every move and every view
 * is a call into debug/engine.h, which the browser playground will drive the same way.
 *
 * Streams: the program's output stays on standard output; the debugger talks on
 * standard error, one line per event, and reads its commands from standard input; with
 * --tty it reads and talks on the terminal instead, and the program keeps standard input
 * and error. Commands typed on a terminal get libedit (line editing, history) and colours
 * (unless NO_COLOR is set), and Ctrl-C interrupts a move instead of ending mvm; commands
 * from a file or a pipe are echoed after a "(mvm) " prompt so a transcript reads like a
 * session. The program's own standard input is the file given with --input (or, with
 * --tty, standard input), and otherwise empty: the debugger's commands are never its input.
 */
#include "debug_cmd.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "../debug/engine.h"
#include "../kernel/host.h"

#define MAX_WORDS 8

typedef struct Session {
    DbgEngine *e;
    FILE      *in;           /* the commands */
    FILE      *msg;          /* where the debugger talks */
    FILE      *out;          /* the program's standard output */
    bool       tty, colour;
    char       last[512];    /* the command Enter repeats */
    int        stop_signal;  /* a host signal that ends the session (128 + it: the status) */
} Session;

static const char help_text[] =
    "commands (short forms in brackets):\n"
    "  step [N] (s)          run N instructions (default 1) of whichever process runs next\n"
    "  next (n)              the next process's next instruction, over a CALL or library call\n"
    "  finish                until the current function of the next process returns\n"
    "  continue (c)          until a breakpoint, a watch or the end\n"
    "  break SPEC (b)        SPEC: LINE | LABEL | module.fn, then optionally `if X OP VALUE`\n"
    "                        X: a register, [ADDR] or PID; OP: == != < <= > >=\n"
    "  tbreak SPEC           a breakpoint deleted when it first stops the machine\n"
    "  delete [N] (d)        delete breakpoint or watch N (all without N)\n"
    "  watch ADDR [PID]      stop when that word of PID (default: the next process) changes\n"
    "  info breaks           list breakpoints and watches\n"
    "  info saved            the saved points kept for going back\n"
    "  back [N]              go back N instructions (default 1)\n"
    "  rcontinue (rc)        go back to the previous breakpoint hit\n"
    "  regs [PID]            every register with its type and value, flags by name\n"
    "  print X [PID] (p)     a register or a memory word [ADDR]\n"
    "  mem A B [PID]         the words A..B\n"
    "  stack [PID]           the data stack, bottom first\n"
    "  bt [PID]              the call stack: calls, library calls, signal handlers\n"
    "  ps                    every process: state, nice, mlfq queue, line, pending signals\n"
    "  mailboxes             every mailbox and what is queued in it\n"
    "  sems                  every live semaphore and its value\n"
    "  where                 the source around the next instruction\n"
    "  json VIEW ...         any view above (regs, ps, bt, ...) as JSON\n"
    "  help, quit (q)        Enter repeats the last command\n";

static void show(Session *s, cJSON *view, const char *msg)
{
    if (!view) {
        fprintf(s->msg, "%s\n", msg);
        return;
    }
    dbg_print_view(view, s->msg);
    cJSON_Delete(view);
}

static void show_stop(Session *s, const DbgStop *st)
{
    fflush(s->out);   /* the program's output before the debugger's line */
    cJSON *v = dbg_view_stop(st);
    if (s->colour)
        fputs(st->event == DBG_BREAKPOINT || st->event == DBG_WATCH ? "\033[1;33m" : "\033[36m", s->msg);
    dbg_print_view(v, s->msg);
    if (s->colour)
        fputs("\033[0m", s->msg);
    cJSON_Delete(v);
    if (st->event == DBG_FAULT) {   /* where it happened: the faulting process's registers */
        char msg[128];
        show(s, dbg_view_regs(s->e, st->fault_pid, msg, sizeof msg), msg);
    }
}

/* A whole number argument, or dflt when absent. False (after a message) when malformed. */
static bool arg_number(Session *s, const char *w, int64_t dflt, int64_t *out)
{
    if (!w) {
        *out = dflt;
        return true;
    }
    char *end;
    *out = (int64_t)strtoll(w, &end, 0);
    if (*w && !*end)
        return true;
    fprintf(s->msg, "expected a number, got '%s'\n", w);
    return false;
}

static int split(char *line, char **w)
{
    int n = 0;
    for (char *t = strtok(line, " \t"); t && n < MAX_WORDS; t = strtok(NULL, " \t"))
        w[n++] = t;
    return n;
}

/* The views, shared by their text and `json` forms. NULL after a message in msg. */
static cJSON *make_view(Session *s, char **w, int n, char *msg, size_t len)
{
    const char *c = w[0];
    int64_t pid = 0, a, b;
    if (strcmp(c, "regs") == 0 && arg_number(s, n > 1 ? w[1] : NULL, 0, &pid))
        return dbg_view_regs(s->e, pid, msg, len);
    if ((strcmp(c, "print") == 0 || strcmp(c, "p") == 0) && n > 1 && arg_number(s, n > 2 ? w[2] : NULL, 0, &pid))
        return dbg_view_print(s->e, w[1], pid, msg, len);
    if (strcmp(c, "mem") == 0 && n > 2 && arg_number(s, w[1], 0, &a) && arg_number(s, w[2], 0, &b) &&
        arg_number(s, n > 3 ? w[3] : NULL, 0, &pid))
        return dbg_view_mem(s->e, a, b, pid, msg, len);
    if (strcmp(c, "stack") == 0 && arg_number(s, n > 1 ? w[1] : NULL, 0, &pid))
        return dbg_view_stack(s->e, pid, msg, len);
    if (strcmp(c, "bt") == 0 && arg_number(s, n > 1 ? w[1] : NULL, 0, &pid))
        return dbg_view_bt(s->e, pid, msg, len);
    if (strcmp(c, "ps") == 0)
        return dbg_view_ps(s->e);
    if (strcmp(c, "mailboxes") == 0)
        return dbg_view_mailboxes(s->e);
    if (strcmp(c, "sems") == 0)
        return dbg_view_sems(s->e);
    if (strcmp(c, "where") == 0)
        return dbg_view_where(s->e, 3);
    if (strcmp(c, "info") == 0 && n > 1 && strcmp(w[1], "breaks") == 0)
        return dbg_view_breaks(s->e);
    snprintf(msg, len, "%s: unknown command or wrong arguments (try 'help')", c);
    return NULL;
}

/* break/tbreak: the rest of the line is the spec (it may hold spaces: `12 if G1 == 3`). */
static void do_break(Session *s, const char *line, bool temporary)
{
    while (*line && !isspace((unsigned char)*line))
        line++;
    char msg[256];
    int id = dbg_break(s->e, line, temporary, msg, sizeof msg);
    if (id < 0)
        fprintf(s->msg, "%s\n", msg);
    else
        fprintf(s->msg, "%s %d at %s\n", temporary ? "temporary breakpoint" : "breakpoint", id, line + strspn(line, " \t"));
}

/* A host signal stopped a move. On a terminal Ctrl-C only interrupts the move (as in
 * gdb): back to the prompt, and the next Ctrl-C is caught again. Anything else (SIGTERM,
 * SIGHUP, Ctrl-C of a scripted session) ends the session. */
static void after_interrupt(Session *s)
{
    int sig = host_interrupted();
    if (s->tty && sig == SIGINT) {
        host_interrupt_clear();
        host_catch_signals();   /* the handler resets itself: a second Ctrl-C kills */
    } else {
        s->stop_signal = sig;
    }
}

/* Moves: the commands that run the machine. Returns false when c is not one. */
static bool do_move(Session *s, char **w, int n)
{
    const char *c = w[0];
    DbgStop st;
    int64_t k = 1;
    if (strcmp(c, "step") == 0 || strcmp(c, "s") == 0 || strcmp(c, "si") == 0) {
        if (!arg_number(s, n > 1 ? w[1] : NULL, 1, &k))
            return true;
        if (k < 1) {
            fprintf(s->msg, "step N: N must be at least 1\n");
            return true;
        }
        dbg_step(s->e, (uint64_t)k, &st);
    } else if (strcmp(c, "back") == 0) {
        if (!arg_number(s, n > 1 ? w[1] : NULL, 1, &k))
            return true;
        if (k < 1) {
            fprintf(s->msg, "back N: N must be at least 1\n");
            return true;
        }
        dbg_back(s->e, (uint64_t)k, &st);
    } else if (strcmp(c, "next") == 0 || strcmp(c, "n") == 0) {
        dbg_next(s->e, &st);
    } else if (strcmp(c, "finish") == 0) {
        dbg_finish(s->e, &st);
    } else if (strcmp(c, "continue") == 0 || strcmp(c, "c") == 0) {
        dbg_continue(s->e, &st);
    } else if (strcmp(c, "rcontinue") == 0 || strcmp(c, "rc") == 0) {
        dbg_rcontinue(s->e, &st);
    } else {
        return false;
    }
    show_stop(s, &st);
    if (st.event == DBG_INTERRUPTED)
        after_interrupt(s);
    return true;
}

/* One command line. Returns false on quit. */
static bool run_command(Session *s, char *line)
{
    char copy[512], *w[MAX_WORDS];
    snprintf(copy, sizeof copy, "%s", line);
    int n = split(copy, w);
    if (n == 0)
        return true;
    const char *c = w[0];
    char msg[256];
    int64_t a, pid = 0;
    if (strcmp(c, "quit") == 0 || strcmp(c, "q") == 0)
        return false;
    if (host_interrupted() == SIGINT && s->tty) {   /* a Ctrl-C typed at the prompt */
        host_interrupt_clear();
        host_catch_signals();
    }
    if (do_move(s, w, n))
        return !s->stop_signal;
    if (strcmp(c, "help") == 0 || strcmp(c, "h") == 0) {
        fputs(help_text, s->msg);
    } else if (strcmp(c, "break") == 0 || strcmp(c, "b") == 0 || strcmp(c, "tbreak") == 0) {
        do_break(s, line + (line[0] == ' ' ? 1 : 0), strcmp(c, "tbreak") == 0);
    } else if (strcmp(c, "delete") == 0 || strcmp(c, "d") == 0) {
        if (arg_number(s, n > 1 ? w[1] : NULL, 0, &a) && dbg_delete(s->e, (int)a) != 0)
            fprintf(s->msg, "no breakpoint or watch %" PRId64 "\n", a);
    } else if (strcmp(c, "watch") == 0) {
        if (n < 2 || !arg_number(s, w[1], 0, &a) || !arg_number(s, n > 2 ? w[2] : NULL, 0, &pid))
            fprintf(s->msg, "usage: watch ADDR [PID]\n");
        else if (dbg_watch(s->e, a, pid, msg, sizeof msg) < 0)
            fprintf(s->msg, "%s\n", msg);
        else
            fprintf(s->msg, "watching [%" PRId64 "]\n", a);
    } else if (strcmp(c, "info") == 0 && n > 1 && strcmp(w[1], "saved") == 0) {
        size_t count, bytes;
        uint64_t every;
        dbg_saved_stats(s->e, &count, &bytes, &every);
        fprintf(s->msg, "%zu saved points, %zu bytes, one every %" PRIu64 " instructions\n", count, bytes, every);
    } else if (strcmp(c, "json") == 0 && n > 1) {
        cJSON *v = make_view(s, w + 1, n - 1, msg, sizeof msg);
        if (!v && strcmp(w[1], "stop") == 0) {
            DbgStop st;
            dbg_where_now(s->e, &st);
            v = dbg_view_stop(&st);
        }
        char *text = v ? cJSON_PrintUnformatted(v) : NULL;
        fprintf(s->msg, "%s\n", text ? text : msg);
        free(text);
        cJSON_Delete(v);
    } else {
        show(s, make_view(s, w, n, msg, sizeof msg), msg);
    }
    return true;
}

/* The next command line, without its newline; NULL at the end of the commands. */
static char *read_command(Session *s, char *buf, size_t len)
{
    if (s->tty) {
        char *l = readline("(mvm) ");
        if (!l)
            return NULL;
        if (*l)
            add_history(l);
        snprintf(buf, len, "%s", l);
        free(l);
        return buf;
    }
    if (!fgets(buf, (int)len, s->in))
        return NULL;
    buf[strcspn(buf, "\r\n")] = 0;
    fprintf(s->msg, "(mvm) %s\n", buf);
    return buf;
}

int debug_session_run(Program *prog, const VmOptions *opt, int argc, char **argv, const DebugIo *io)
{
    DbgConfig cfg = { .out = io->out, .err = io->err, .input_fd = io->input_fd, .interval = io->save_interval };
    Session s = { .in = io->commands, .msg = io->talk, .out = io->out, .tty = io->terminal, .colour = io->colour };
    s.e = dbg_open(prog, opt, argc, argv, &cfg);
    if (!s.e) {
        fprintf(io->talk, "mvm: cannot start %s: out of memory\n", prog->path);
        return 1;
    }
    if (s.tty) {   /* libedit reads and echoes on the session's streams */
        rl_instream = s.in;
        rl_outstream = s.msg;
    }
    host_catch_signals();   /* a host signal stops a move (engine.h DBG_INTERRUPTED) */
    DbgStop st;
    dbg_where_now(s.e, &st);
    st.event = DBG_AT_START;
    show_stop(&s, &st);
    char buf[512];
    while (!s.stop_signal && read_command(&s, buf, sizeof buf)) {
        if (!buf[strspn(buf, " \t")])
            snprintf(buf, sizeof buf, "%s", s.last);   /* Enter repeats the last command */
        else
            snprintf(s.last, sizeof s.last, "%s", buf);
        if (!run_command(&s, buf))
            break;
    }
    fflush(io->out);
    dbg_close(s.e);
    if (s.stop_signal) {
        fprintf(s.msg, "mvm: interrupted\n");
        return 128 + s.stop_signal;
    }
    return 0;
}

int debug_session(Program *prog, const VmOptions *opt, int argc, char **argv, const char *input,
                  bool tty, uint64_t save_interval)
{
    DebugIo io = { .commands = stdin, .talk = stderr, .out = stdout, .err = stderr, .input_fd = -1,
                   .save_interval = save_interval };
    FILE *term = NULL;
    if (tty) {
        /* The debugger on the terminal; the program keeps standard input and error. */
        if (!(term = fopen("/dev/tty", "r+e"))) {
            fprintf(stderr, "mvm: --tty: cannot open the terminal (/dev/tty)\n");
            return 2;
        }
        setvbuf(term, NULL, _IONBF, 0);
        io.commands = io.talk = term;
        io.input_fd = STDIN_FILENO;
    }
    if (input && (io.input_fd = open(input, O_RDONLY | O_CLOEXEC)) < 0) {
        fprintf(stderr, "mvm: --input %s: cannot open it\n", input);
        if (term)
            fclose(term);
        return 2;
    }
    io.terminal = isatty(fileno(io.commands));
    io.colour = isatty(fileno(io.talk)) && !getenv("NO_COLOR");
    int st = debug_session_run(prog, opt, argc, argv, &io);
    if (input)
        close(io.input_fd);
    if (term)
        fclose(term);
    return st;
}
