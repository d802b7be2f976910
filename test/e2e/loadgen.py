#!/usr/bin/env python3
"""loadgen.py - send N messages over S concurrent SMTP sessions.

    loadgen.py PORT N SESSIONS FILE...

Each session is one SMTP connection that sends its share of the N messages
(RSET between them), cycling through FILE... (a realistic mix).  Every
message gets an "X-Load-Id: <n>" header (n from 1, plus $LOADGEN_ID_BASE) so the receiver can prove that
none was lost.  Prints one line per 10 % of progress, then
"sent=N accepted=A deferred=D rejected=R errors=E seconds=T rate=R/s".
Exit status 0 when every message got a 2xx.
"""
import os
import smtplib
import sys
import threading
import time


def main():
    port, total, sessions = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    base = int(os.environ.get('LOADGEN_ID_BASE', '0'))
    mix = []
    for path in sys.argv[4:]:
        with open(path, 'rb') as f:
            data = f.read().replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
        mix.append(data)
    lock = threading.Lock()
    counts = {'sent': 0, 'accepted': 0, 'deferred': 0, 'rejected': 0, 'errors': 0}
    step = max(1, total // 10)

    def record(key):
        with lock:
            counts['sent'] += 1
            counts[key] += 1
            if counts['sent'] % step == 0:
                print('progress %d' % counts['sent'], flush=True)

    def session(k):
        ids = range(k + 1, total + 1, sessions)
        s = None
        for n in ids:
            msg = b'X-Load-Id: %d\r\n' % (base + n) + mix[n % len(mix)]
            try:
                if s is None:
                    s = smtplib.SMTP('127.0.0.1', port, timeout=300)
                    s.ehlo('load%d.example.net' % k)
                s.mail('load@example.net')
                s.rcpt('staff@city.example.lg.jp')
                code, _ = s.data(msg)
                record('accepted')
            except smtplib.SMTPResponseException as e:
                record('deferred' if 400 <= e.smtp_code < 500 else 'rejected')
                try:
                    s.rset()
                except Exception:
                    s = None
            except Exception:
                record('errors')
                s = None
        if s is not None:
            try:
                s.quit()
            except Exception:
                pass

    t0 = time.monotonic()
    threads = [threading.Thread(target=session, args=(k,)) for k in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.monotonic() - t0
    print('sent=%(sent)d accepted=%(accepted)d deferred=%(deferred)d rejected=%(rejected)d '
          'errors=%(errors)d' % counts + ' seconds=%.1f rate=%.1f/s' % (secs, counts['sent'] / secs))
    sys.exit(0 if counts['accepted'] == total else 1)


if __name__ == '__main__':
    main()
