#!/usr/bin/env python3
"""run.py MVM - mvm debug on a terminal (a pseudo-terminal here), and Ctrl-C.

1. `mvm debug --tty forever.kar < INPUT > OUTPUT` on a pty: the debugger prompts, reads
   and talks on the terminal, while the program keeps standard input (it reads INPUT)
   and standard output (OUTPUT holds what it printed, and nothing of the debugger's).
   `c` runs for ever; Ctrl-C (the terminal's ^C, a SIGINT to the foreground group)
   interrupts the `continue`, the prompt comes back, the machine is where it stopped
   (`p G1` works), a second `c` and Ctrl-C work again, `q` ends with status 0. Stops are
   coloured on a terminal, and not with NO_COLOR set.
   Ctrl-C while the program waits for input takes effect after the line is read.
2. A scripted session (commands from a file) interrupted by SIGINT ends: status 130 and
   `mvm: interrupted` on standard error.
Prints `tty: N passed, N failed`; exit status 1 if any failed.
"""
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import time

MVM = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
PROG = os.path.join(HERE, 'forever.kar')
passed = failed = 0


def check(name, cond, detail=''):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print('tty: FAIL: %s %s' % (name, detail))


class Term:
    """A child process on a pseudo-terminal, driven like a person at a keyboard."""

    def __init__(self, cmd, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe('/bin/sh', ['/bin/sh', '-c', cmd], env)
        self.seen = b''
        self.all = b''   # everything the terminal showed

    def expect(self, text, timeout=5.0):
        """Wait until text appears after what earlier expects consumed."""
        end = time.time() + timeout
        while text.encode() not in self.seen:
            left = end - time.time()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return False
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            self.seen += chunk
            self.all += chunk
        self.seen = self.seen[self.seen.index(text.encode()) + len(text):]
        return True

    def send(self, text):
        os.write(self.fd, text.encode())

    def wait(self, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            try:   # keep draining, so the child never blocks writing to the terminal
                if select.select([self.fd], [], [], 0.05)[0]:
                    self.seen += os.read(self.fd, 4096)
            except OSError:
                time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return None


def terminal_session(work):
    name = 'tty'
    inp, out = os.path.join(work, 'in'), os.path.join(work, 'out')
    with open(inp, 'w') as f:
        f.write('hello from stdin\n')
    env = dict(os.environ, TERM='dumb', NO_COLOR='1')
    t = Term("exec '%s' debug --tty '%s' < '%s' > '%s'" % (MVM, PROG, inp, out), env)
    check(name + ': first stop', t.expect('at the start: [0] PID 1'))
    check(name + ': prompt', t.expect('(mvm) '))
    t.send('c\r')
    time.sleep(0.5)
    t.send('\x03')   # the terminal turns ^C into SIGINT for mvm
    check(name + ': Ctrl-C interrupts continue', t.expect('interrupted: ['), repr(t.seen[-300:]))
    check(name + ': prompt after Ctrl-C', t.expect('(mvm) '))
    t.send('p G1\r')
    check(name + ': the machine answers after Ctrl-C', t.expect('G1='), repr(t.seen[-300:]))
    t.send('c\r')
    time.sleep(0.3)
    t.send('\x03')
    check(name + ': a second Ctrl-C interrupts again', t.expect('interrupted: ['), repr(t.seen[-300:]))
    t.expect('(mvm) ')
    t.send('q\r')
    status = t.wait()
    check(name + ': status 0 after quit', status == 0, 'status %r' % status)
    with open(out) as f:
        printed = f.read()
    check(name + ': the program read its standard input and printed on standard output',
          printed == 'hello from stdin\n', repr(printed))


def ctrl_c_while_reading(work):
    """Ctrl-C while the program waits for input: the read completes when the line comes,
    then the machine stops (a read cut short would make the history depend on the moment
    of the Ctrl-C)."""
    fifo, out = os.path.join(work, 'fifo'), os.path.join(work, 'out2')
    os.mkfifo(fifo)
    env = dict(os.environ, TERM='dumb', NO_COLOR='1')
    t = Term("exec '%s' debug --tty '%s' < '%s' > '%s'" % (MVM, PROG, fifo, out), env)
    w = os.open(fifo, os.O_WRONLY)   # the program's standard input, empty for now
    t.expect('(mvm) ')
    t.send('c\r')
    time.sleep(0.4)
    t.send('\x03')
    time.sleep(0.4)
    check('Ctrl-C while reading: no stop before the line comes', b'interrupted' not in t.all,
          repr(t.all[-200:]))
    os.write(w, b'late line\n')
    check('Ctrl-C while reading: the stop comes after the read', t.expect('interrupted: ['),
          repr(t.seen[-300:]))
    t.expect('(mvm) ')
    t.send('s 20\r')   # on to the program's println
    t.expect('(mvm) ')
    t.send('q\r')
    status = t.wait()
    os.close(w)
    check('Ctrl-C while reading: status 0', status == 0, 'status %r' % status)
    with open(out) as f:
        printed = f.read()
    check('Ctrl-C while reading: the line was read whole', printed == 'late line\n', repr(printed))


def colour_codes(work):
    """The first stop's line: coloured on a terminal, plain with NO_COLOR."""
    seen = {}
    for colour in (True, False):
        env = dict(os.environ, TERM='dumb')
        env.pop('NO_COLOR', None)
        if not colour:
            env['NO_COLOR'] = '1'
        t = Term("exec '%s' debug --tty '%s' < /dev/null > /dev/null" % (MVM, PROG), env)
        t.expect('(mvm) ')
        t.send('b loop\rc\r')
        t.expect('(mvm) ')
        t.expect('(mvm) ')
        t.send('q\r')
        t.wait()
        seen[colour] = t.all
    check('colours on a terminal', b'\x1b[' in seen[True], repr(seen[True][-200:]))
    check('no colours with NO_COLOR', b'\x1b[' not in seen[False], repr(seen[False][-200:]))


def scripted_interrupt(work):
    cmds = os.path.join(work, 'cmds')
    with open(cmds, 'w') as f:
        f.write('c\n')
    with open(cmds) as fin, open(os.path.join(work, 'err'), 'w+') as ferr:
        p = subprocess.Popen([MVM, 'debug', PROG], stdin=fin, stdout=subprocess.DEVNULL, stderr=ferr,
                             start_new_session=True)
        time.sleep(0.7)
        p.send_signal(signal.SIGINT)
        try:
            status = p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            status = None
        ferr.seek(0)
        err = ferr.read()
    check('scripted: SIGINT ends the session with 130', status == 130, 'status %r' % status)
    check('scripted: mvm: interrupted', 'mvm: interrupted' in err, repr(err[-300:]))


with tempfile.TemporaryDirectory() as work:
    terminal_session(work)
    ctrl_c_while_reading(work)
    colour_codes(work)
    scripted_interrupt(work)
print('tty: %d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
