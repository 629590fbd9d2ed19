"""One AMAS uvicorn worker's audit logging, for the rotation tests.

Like AMAS, it writes json.dumps of an AuditEvent-shaped dict per line through its own
logging.handlers.RotatingFileHandler on the shared file; several of these processes on one path
rotate it each on its own, exactly as AMAS's four workers do. What it wrote is the truth the test
compares the exporter with: it counts every line by kind itself and prints the counts as JSON.

usage: amas_audit_writer.py FILE WORKER LINES RATE MAX_BYTES BACKUP_COUNT [CONTROL]
  - with CONTROL, the rollovers of all writers together stop at the number written in that file
    (none: no limit), so that a test can let exactly N rotations happen while no exporter runs;
  - prints "rotated" on every rollover it makes;
  - on SIGUSR1 it prints its counts so far ("progress {...}") and stops itself (SIGSTOP) before
    writing another line, so that the test knows the truth at a moment when nothing is being
    written; SIGCONT resumes it;
  - at the end it prints "done {...}".
A rollover that fails because another worker renamed the same files at the same moment makes the
logging module drop that line (it prints "--- Logging error ---"), as it does in AMAS: such a line
is not on disk, so it is counted as "dropped", never as written.
"""
import fcntl
import json
import logging
import logging.handlers
import os
import random
import signal
import sys
import time

path, worker, total, rate, max_bytes, backup_count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
control = sys.argv[7] if len(sys.argv) > 7 else None


def read_number(file):
    try:
        with open(file) as source:
            text = source.read().strip()
        return int(text) if text else None
    except FileNotFoundError:
        return None


counts = {"dropped": 0, "lines": 0, "json": 0, "plain": 0, "requests": 0, "login_success": 0, "login_failure": 0, "security_http_error": 0, "security_system_error": 0, "rotations": 0}


class CountingHandler(logging.handlers.RotatingFileHandler):
    failed = False

    def handleError(self, record):
        # The record was not written (see the docstring); say so briefly instead of a traceback.
        self.failed = True
        sys.stderr.write(f"writer {worker}: line dropped by the logging module ({sys.exc_info()[1]})\n")

    def doRollover(self):
        if control:
            # Rollovers of all writers are counted in CONTROL.made against the limit in CONTROL,
            # under a lock so that the limit is exact. At the limit the writer keeps appending to
            # its file (past maxBytes) and tries again at its next line.
            with open(control + ".lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                limit = read_number(control)
                made = read_number(control + ".made") or 0
                if limit is not None and made >= limit:
                    if self.stream is None:
                        self.stream = self._open()
                    return
                super().doRollover()
                with open(control + ".made", "w") as out:
                    out.write(str(made + 1))
        else:
            super().doRollover()
        counts["rotations"] += 1
        sys.stdout.write("rotated\n")
        sys.stdout.flush()


handler = CountingHandler(path, maxBytes=max_bytes, backupCount=backup_count)
handler.setFormatter(logging.Formatter("%(message)s"))
logger = logging.getLogger(f"amas.audit.{worker}")
logger.addHandler(handler)
logger.setLevel(logging.INFO)
logger.propagate = False

rng = random.Random(1000 + worker)


pause_requested = False


def request_pause(signum, frame):
    # Acted on between two lines, so that the counts printed match the bytes written.
    global pause_requested
    pause_requested = True


signal.signal(signal.SIGUSR1, request_pause)


def event(seq, kinds):
    roll = rng.random()
    ip = f"10.{worker}.{rng.randrange(256)}.{1 + rng.randrange(200)}"
    user = f"user_{rng.randrange(500)}" if rng.random() < 0.6 else None
    base = {
        "event_id": f"{worker:02x}{seq:014x}", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00",
        "event_type": "system_event", "status": "success", "user_id": user, "user_email": None, "user_roles": [],
        "resource_type": None, "resource_id": None, "agent_id": None, "tool_name": None, "action": None, "details": {},
        "trace_id": None, "session_id": None, "ip_address": ip, "user_agent": "python-requests/2.31.0",
        "authentication_method": None, "authorization_result": None, "risk_score": 0.0, "data_classification": None,
        "pii_detected": False, "sensitive_data_redacted": True, "duration_ms": None, "tokens_used": None, "cost_usd": None,
    }
    if roll < 0.03:
        # A request that ended in an HTTPException: written only as an http_error violation.
        item = f"/api/v1/tasks/{rng.randrange(100000)}"
        base.update(event_type="security_violation", status="blocked", action="security_violation", risk_score=0.7,
                    details={"violation_type": "http_error", "severity": "medium", "description": f"GET {item} - Not found", "method": "GET", "path": item, "status_code": 404})
        kinds += ["requests", "security_http_error"]
    elif roll < 0.04:
        # An unhandled exception: a system_error violation (the client got a 500).
        base.update(event_type="security_violation", status="blocked", action="security_violation", risk_score=1.0,
                    details={"violation_type": "system_error", "severity": "critical", "description": "POST /api/v1/tasks - boom", "method": "POST", "path": "/api/v1/tasks", "error": "boom"})
        kinds += ["requests", "security_system_error"]
    elif roll < 0.08:
        base.update(event_type="agent_execution", action="execute_task", agent_id="security_expert", duration_ms=rng.random() * 20000, tokens_used=rng.randrange(3000))
    elif roll < 0.14:
        ok = rng.random() < 0.7
        status = 200 if ok else 401
        base.update(status="success" if ok else "failure", action="POST /api/v1/auth/login",
                    details={"method": "POST", "path": "/api/v1/auth/login", "status_code": status}, duration_ms=rng.random() * 300)
        kinds += ["requests", "login_success" if ok else "login_failure"]
    else:
        item = f"/api/v1/agents/{rng.randrange(1000)}/status"
        base.update(action=f"GET {item}", details={"method": "GET", "path": item, "status_code": 200}, duration_ms=rng.random() * 400)
        kinds.append("requests")
    return json.dumps(base)


# For diagnosis only: lines written per inode.
track = bool(os.environ.get("AMAS_WRITER_INODES"))
per_inode = {}
last_ino, key = None, None
BATCH = 10
started = time.monotonic()
written_at = started
def pause_if_requested():
    global pause_requested, written_at
    if pause_requested:
        pause_requested = False
        sys.stdout.write("progress " + json.dumps(counts) + "\n")
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGSTOP)
        written_at = time.monotonic()


for seq in range(total):
    # Before each line, so that no line (nor the rollover it may cause) follows a pause request.
    pause_if_requested()
    handler.failed = False
    if seq % 200 == 199:
        # uvicorn-style plain text that reaches the same file now and then: not JSON.
        kinds = ["plain"]
        logger.info(f"INFO:     127.0.0.1:5{worker}000 - \"GET /health HTTP/1.1\" 200 OK ({seq})")
    else:
        kinds = ["json"]
        logger.info(event(seq, kinds))
    if handler.failed:
        counts["dropped"] += 1
        kinds = []
    else:
        kinds.append("lines")
    for kind in kinds:
        counts[kind] += 1
    if track and handler.stream:
        ino = os.fstat(handler.stream.fileno()).st_ino
        if ino != last_ino:
            last_ino, key = ino, f"{ino}@{time.strftime('%H:%M:%S')}.{int(time.time() * 1000) % 1000:03d}"
        per_inode[key] = per_inode.get(key, 0) + 1
    if seq % BATCH == BATCH - 1:
        written_at += BATCH / rate
        delay = written_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
            pause_if_requested()
        elif delay < -1:
            written_at = time.monotonic()  # resumed after a pause: no burst to catch up

handler.close()
if os.environ.get("AMAS_WRITER_INODES"):
    with open(f"{os.environ['AMAS_WRITER_INODES']}.{worker}", "w") as out:
        json.dump(per_inode, out)
sys.stdout.write("done " + json.dumps(counts) + "\n")
sys.stdout.flush()
