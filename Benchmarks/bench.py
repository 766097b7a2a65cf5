#!/usr/bin/env python3
"""Benchmarks qvd-vma against the issue-3 targets, with nginx as the same-run baseline.

    bench.py --vma .build/release/qvd-vma --harness ../shared/tools/vma_bench.py --results Benchmarks/results

Run through `Benchmarks/run.sh` (`make bench`), which installs nginx and builds the agent first.

What it does, in order (about 2 minutes with the defaults):
  1. starts our qvd-vma (stopped session) on a free loopback port with a throw-away config, and
     nginx on another free port serving byte-identical replies to /vma/ping and /vma/x_state as
     static files (own prefix, config, pid file and temp paths; /etc/nginx is never read);
  2. runs the shared harness vma_bench.py against ours (pass 1), then nginx, then ours again
     (pass 2, shorter) so that RSS growth between two identical loads shows a leak;
  3. as root only: starts a real NX session (x_start -> listening) twice, once fresh (the agent
     provisions a throw-away user) and once with the user already provisioned, stopping it after each;
  4. prints the figures against the targets, writes every raw JSON to the results directory and
     exits 1 if a target fails.
Everything it starts is stopped by pid, and the user, X display files and temp dirs are removed,
also on failure, Ctrl-C or SIGTERM.
"""

import argparse
import json
import os
import pwd
import grp
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

PING_BODY = b'1\n\r\n'
X_STATE_BODY = b'"stopped"\n\r\n'
CONTENT_TYPE = 'application/json-simplerpc'

# Targets (issue 3, "Must show").
RSS_LIMIT_KB = 15 * 1024
RSS_GROWTH_LIMIT_KB = 512          # pass 2 after-load RSS minus pass 1 after-load RSS
P99_LIMIT_MS = 2.0
THROUGHPUT_RATIO = 0.5

# The upstream Perl VMA on this kind of machine, same harness, three runs
# (shared/spec/upstream-vma-observed.md §6, transcripts/vma/bench-results.txt).
UPSTREAM = {
    'rss_idle_kb': (41304, 41476),
    'rss_after_load_kb': (41380, 41560),
    'x_state_p99_ms': (67.517, 150.529),
    'x_state_median_ms': (26.851, 43.962),
    'ping_req_per_s': (40.2, 54.8),
    'x_state_req_per_s': (37.3, 51.6),
}


# ---------------------------------------------------------------------------------------------
# small helpers


def log(msg):
    print('bench: ' + msg, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(('0.0.0.0', port))
            return True
        except OSError:
            return False


def free_display(start=150):
    """A display whose X socket, lock file and NX port (4000+D) are free (like the test rig)."""
    d = start + random.randrange(200)
    for _ in range(500):
        if (not os.path.exists('/tmp/.X11-unix/X%d' % d) and not os.path.exists('/tmp/.X%d-lock' % d)
                and port_is_free(4000 + d) and port_is_free(6000 + d)):
            return d
        d += 1
    raise RuntimeError('no free X display found between %d and %d' % (start, d))


def http_get(port, target, timeout=5.0):
    """One GET on a new connection: (status, headers as a lower-cased dict, body bytes)."""
    with socket.create_connection(('127.0.0.1', port), timeout=timeout) as s:
        s.sendall(('GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n' % (target, port)).encode())
        buf = b''
        while b'\r\n\r\n' not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise IOError('GET %s on port %d: connection closed before the response head' % (target, port))
            buf += chunk
        head, _, rest = buf.partition(b'\r\n\r\n')
        lines = head.decode('latin-1').split('\r\n')
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(':')
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get('content-length', '0'))
        while len(rest) < n:
            chunk = s.recv(65536)
            if not chunk:
                raise IOError('GET %s on port %d: connection closed mid-body' % (target, port))
            rest += chunk
        return status, headers, rest[:n]


def rpc_value(port, method, query=''):
    """A VMA RPC call decoded: ('ok', value) or ('error', message) or ('http', status)."""
    status, _, body = http_get(port, '/vma/' + method + ('?' + query if query else ''), timeout=15)
    if status != 200:
        return ('http', status)
    text = body.decode('utf-8', 'replace').strip()
    try:
        items = json.loads('[' + text + ']')  # JSON-simplerpc: `value`, or `"",message` for an error
    except ValueError:
        return ('raw', text)
    if len(items) == 1:
        return ('ok', items[0])
    if len(items) == 2 and items[0] == '':
        return ('error', items[1])
    return ('raw', text)


def x_state(port):
    kind, value = rpc_value(port, 'x_state')
    return value if kind == 'ok' else '%s:%s' % (kind, value)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def children_of(pid):
    out = []
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open('/proc/%s/stat' % d) as f:
                    st = f.read()
                if int(st[st.rindex(')') + 2:].split()[1]) == pid:
                    out.append(int(d))
            except (OSError, ValueError):
                pass
    return out


def rss_tree_kb(pid):
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open('/proc/%d/status' % p) as f:
                for line in f:
                    if line.startswith('VmRSS:'):
                        total += int(line.split()[1])
        except OSError:
            pass
        todo.extend(children_of(p))
    return total


def pids_of_uid(uid):
    out = []
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open('/proc/%s/status' % d) as f:
                    for line in f:
                        if line.startswith('Uid:'):
                            if int(line.split()[1]) == uid:
                                out.append(int(d))
                            break
            except (OSError, ValueError):
                pass
    return out


def stop_process(proc, name, grace=3.0, sig=signal.SIGTERM):
    """TERM (or sig) then KILL one process we started, by its pid."""
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.send_signal(sig)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        log('%s (pid %d) did not exit within %.0f s: KILL' % (name, proc.pid, grace))
        proc.kill()
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def write_file(path, data, mode=0o644):
    with open(path, 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)


# ---------------------------------------------------------------------------------------------
# the run


class Bench:
    def __init__(self, args):
        self.a = args
        self.stamp = time.strftime('%Y%m%d-%H%M%S')
        self.root = None            # temp dir for the agent
        self.nginx_prefix = None    # temp dir for nginx
        self.agent = None
        self.nginx = None
        self.harness = None
        self.user = None            # throw-away user, once we asked the agent to create it
        self.display = None
        self.display_files_were_free = False
        self.port = None
        self.nginx_port = None
        self.results = {'started': time.strftime('%Y-%m-%d %H:%M:%S'), 'cpus': os.cpu_count()}
        self.files = []

    # -- setup ------------------------------------------------------------------------------

    def make_temp(self, prefix):
        d = tempfile.mkdtemp(prefix=prefix)
        os.chmod(d, 0o755)  # the session user and nginx workers (nobody) must traverse it
        return d

    def start_agent(self):
        self.root = self.make_temp('qvd-vma-bench-')
        for sub in ('run', 'log', 'home', 'bin'):
            os.mkdir(os.path.join(self.root, sub))
            os.chmod(os.path.join(self.root, sub), 0o755)
        self.port = free_port()
        self.display = free_display()
        self.display_files_were_free = True
        write_file(os.path.join(self.root, 'bin', 'xsession.sh'), '#!/bin/sh\nexec sleep 100000\n', 0o755)
        r = self.root
        conf = '\n'.join([
            'path.run = %s/run' % r,
            'path.log = %s/log' % r,
            'vma.pid_file = %s/run/vma.pid' % r,
            'internal.vm.port.vma = %d' % self.port,
            'internal.nxagent.display = %d' % self.display,
            'command.x-session = %s/bin/xsession.sh' % r,
            'vma.user.home.path = %s/home' % r,
            'vma.user.home.drive =',
            'vma.user.default.groups =',
            'vma.hook.directory = %s/hooks.d' % r,
            'vma.slave.enable = 0',
            'vma.audio.enable = 0',
            'vma.printing.enable = 0',
            '',
        ])
        self.conf = os.path.join(r, 'vma.conf')
        write_file(self.conf, conf)
        console = open(os.path.join(r, 'log', 'agent.console'), 'ab')
        self.agent = subprocess.Popen(
            [self.a.vma, '--config', self.conf, '--foreground', '--address', '127.0.0.1'],
            stdin=subprocess.DEVNULL, stdout=console, stderr=console, start_new_session=True,
            env={'PATH': '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', 'HOME': '/root'})
        console.close()
        log('qvd-vma pid %d on 127.0.0.1:%d, X display :%d, temp root %s' % (self.agent.pid, self.port, self.display, r))
        self.wait_for_ping(self.port, 'qvd-vma', self.agent)

    def agent_console(self):
        try:
            with open(os.path.join(self.root, 'log', 'agent.console'), errors='replace') as f:
                return f.read()[-3000:]
        except OSError:
            return ''

    def wait_for_ping(self, port, name, proc, seconds=10.0):
        deadline = time.monotonic() + seconds
        last = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError('%s exited with status %s before answering ping' % (name, proc.returncode)
                                   + ('; console:\n' + self.agent_console() if name == 'qvd-vma' else ''))
            try:
                status, _, _ = http_get(port, '/vma/ping', timeout=1)
                if status == 200:
                    return
                last = 'HTTP %d' % status
            except OSError as e:
                last = str(e)
            time.sleep(0.05)
        raise RuntimeError('%s did not answer GET /vma/ping on port %d within %.0f s (last: %s)' % (name, port, seconds, last))

    def start_nginx(self):
        p = self.make_temp('qvd-vma-bench-nginx-')
        self.nginx_prefix = p
        for sub in ('html', 'html/vma', 'tmp', 'logs'):
            os.mkdir(os.path.join(p, sub))
            os.chmod(os.path.join(p, sub), 0o755)
        write_file(os.path.join(p, 'html', 'vma', 'ping'), PING_BODY)
        write_file(os.path.join(p, 'html', 'vma', 'x_state'), X_STATE_BODY)
        self.nginx_port = free_port()
        temp = ''.join('    %s_temp_path %s/tmp/%s;\n' % (k, p, k)
                       for k in ('client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'))
        conf = (
            'daemon off;\n'
            'worker_processes auto;\n'
            'pid %(p)s/nginx.pid;\n'
            'error_log %(p)s/logs/error.log warn;\n'
            'events { worker_connections 4096; }\n'
            'http {\n'
            '    access_log off;\n'
            '    server_tokens off;\n'
            '    etag off;\n'
            '    sendfile on;\n'
            '    keepalive_requests 1000000;\n'
            '%(temp)s'
            '    server {\n'
            '        listen 127.0.0.1:%(port)d;\n'
            '        root %(p)s/html;\n'
            '        location /vma/ { types { } default_type %(ct)s; }\n'
            '    }\n'
            '}\n') % {'p': p, 'temp': temp, 'port': self.nginx_port, 'ct': CONTENT_TYPE}
        write_file(os.path.join(p, 'nginx.conf'), conf)
        errors = open(os.path.join(p, 'logs', 'console.log'), 'ab')
        self.nginx = subprocess.Popen(
            [self.a.nginx, '-p', p + '/', '-c', p + '/nginx.conf', '-e', p + '/logs/error.log'],
            stdin=subprocess.DEVNULL, stdout=errors, stderr=errors, start_new_session=True)
        errors.close()
        log('nginx pid %d on 127.0.0.1:%d, prefix %s' % (self.nginx.pid, self.nginx_port, p))
        try:
            self.wait_for_ping(self.nginx_port, 'nginx', self.nginx)
        except RuntimeError:
            with open(os.path.join(p, 'logs', 'console.log'), errors='replace') as f:
                log('nginx console: ' + f.read()[-2000:])
            raise

    def check_replies(self):
        """Both servers must give the same bodies and content type, and ours the expected ones."""
        same = True
        for method, expected in (('ping', PING_BODY), ('x_state', X_STATE_BODY)):
            _, h1, b1 = http_get(self.port, '/vma/' + method)
            _, h2, b2 = http_get(self.nginx_port, '/vma/' + method)
            self.results.setdefault('replies', {})[method] = {
                'ours_body': b1.decode('latin-1'), 'ours_content_type': h1.get('content-type'),
                'nginx_body': b2.decode('latin-1'), 'nginx_content_type': h2.get('content-type')}
            if b1 != expected or b2 != expected or h1.get('content-type') != CONTENT_TYPE or h2.get('content-type') != CONTENT_TYPE:
                same = False
                log('WARNING: /vma/%s replies differ: ours %r (%s), nginx %r (%s), expected %r (%s)'
                    % (method, b1, h1.get('content-type'), b2, h2.get('content-type'), expected, CONTENT_TYPE))
        self.results['replies_identical'] = same
        if same:
            log('replies checked: both servers answer ping %r and x_state %r as %s' % (PING_BODY, X_STATE_BODY, CONTENT_TYPE))

    # -- measuring ---------------------------------------------------------------------------

    def run_harness(self, label, port, pid, seconds):
        path = os.path.join(self.a.results, '%s-%s.json' % (self.stamp, label))
        cmd = [sys.executable, self.a.harness, '--base-url', 'http://127.0.0.1:%d/vma' % port,
               '--n', str(self.a.n), '--clients', str(self.a.clients), '--seconds', str(seconds), '--json', path]
        if pid:
            cmd += ['--pid', str(pid)]
        load = os.getloadavg()[0]
        log('%s: vma_bench.py, %d clients x %g s (load average %.2f) ...' % (label, self.a.clients, seconds, load))
        t0 = time.monotonic()
        self.harness = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = self.harness.communicate(timeout=3 * seconds + 90)
        except subprocess.TimeoutExpired:
            raise RuntimeError('%s: vma_bench.py did not finish within %.0f s' % (label, 3 * seconds + 90))
        rc = self.harness.returncode
        self.harness = None
        if rc != 0:
            raise RuntimeError('%s: vma_bench.py exited with %d: %s' % (label, rc, err.decode(errors='replace')[-2000:]))
        with open(path) as f:
            data = json.load(f)
        data['_load_average_before'] = load
        self.files.append(path)
        log('%s: done in %.0f s -> %s' % (label, time.monotonic() - t0, path))
        return data

    def session_start(self, label):
        """x_start, then poll x_state every 10 ms until listening; returns the timing record."""
        q = urllib.parse.urlencode([('qvd.vm.user.name', self.user), ('qvd.client.keyboard', 'pc105/us'),
                                    ('qvd.client.os', 'linux'), ('qvd.client.link', 'lan'),
                                    ('qvd.client.geometry', '1024x768'), ('qvd.client.fullscreen', '0')])
        # Right after x_stop the agent may still be reaping the last X session and ask to try
        # again; the timing starts at the x_start it accepts (bounded: 15 s).
        retries, waited0 = 0, time.monotonic()
        while True:
            t0 = time.monotonic()
            reply = rpc_value(self.port, 'x_start', q)
            if reply[0] == 'error' and 'try again' in str(reply[1]) and time.monotonic() - waited0 < 15:
                retries += 1
                time.sleep(0.1)
                continue
            break
        t_reply = time.monotonic()
        rec = {'label': label, 'x_start_reply': reply, 'retries_before_accepted': retries,
               'waited_before_accepted_ms': round((t0 - waited0) * 1000, 1), 'x_start_rpc_ms': round((t_reply - t0) * 1000, 1), 'states': []}
        if reply != ('ok', 'starting'):
            rec['error'] = 'x_start answered %r' % (reply,)
            return rec
        deadline = t0 + self.a.start_timeout
        state = None
        while time.monotonic() < deadline:
            state = x_state(self.port)
            if not rec['states'] or rec['states'][-1][0] != state:
                rec['states'].append((state, round((time.monotonic() - t0) * 1000, 1)))
            if state == 'listening':
                rec['to_listening_ms'] = round((time.monotonic() - t0) * 1000, 1)
                break
            if state in ('stopped', 'stopping') and len(rec['states']) > 1:
                break
            time.sleep(0.01)
        if 'to_listening_ms' not in rec:
            rec['error'] = 'not listening after %.0f s (states seen: %s)' % (self.a.start_timeout, rec['states'])
        rec['rss_agent_kb_with_session'] = _rss_one(self.agent.pid)
        return rec

    def session_stop(self, seconds=25.0):
        reply = rpc_value(self.port, 'x_stop')
        deadline = time.monotonic() + seconds
        state = None
        while time.monotonic() < deadline:
            state = x_state(self.port)
            if state == 'stopped':
                return True
            time.sleep(0.05)
        log('x_stop answered %r but the state is still %r after %.0f s' % (reply, state, seconds))
        return False

    def measure_sessions(self):
        if os.geteuid() != 0:
            log('x_start -> listening: skipped, needs root (the agent provisions a throw-away user)')
            return {'skipped': 'needs root'}
        missing = [p for p in ('/usr/bin/nxagent', '/usr/bin/xinit') if not os.access(p, os.X_OK)]
        if missing:
            log('x_start -> listening: skipped, missing %s' % ', '.join(missing))
            return {'skipped': 'missing ' + ', '.join(missing)}
        for _ in range(100):
            name = 'qvdb%06d' % random.randrange(100000, 1000000)
            try:
                pwd.getpwnam(name)
            except KeyError:
                try:
                    grp.getgrnam(name)
                except KeyError:
                    break
        self.user = name
        out = {'user': name, 'display': self.display, 'runs': []}
        for label in ('fresh (provisions the user)', 'user already provisioned'):
            log('x_start -> listening, %s ...' % label)
            rec = self.session_start(label)
            out['runs'].append(rec)
            if 'error' in rec:
                log('x_start -> listening, %s: FAILED: %s' % (label, rec['error']))
                log('agent console (tail):\n' + self.agent_console())
                break
            log('x_start -> listening, %s: %.1f ms (states %s)%s' % (
                label, rec['to_listening_ms'], ' -> '.join('%s@%sms' % s for s in rec['states']),
                '; x_start was refused %d times (%.0f ms) before' % (rec['retries_before_accepted'], rec['waited_before_accepted_ms'])
                if rec['retries_before_accepted'] else ''))
            if not self.session_stop():
                rec['error'] = 'x_stop did not reach stopped'
                break
        return out

    # -- cleanup -----------------------------------------------------------------------------

    def cleanup(self):
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        if self.harness is not None and self.harness.poll() is None:
            try:
                os.killpg(self.harness.pid, signal.SIGKILL)  # its own process group: the harness and its clients
            except ProcessLookupError:
                pass
            self.harness.wait()
        # The session: ask nicely while the agent still runs, then kill what is left by pid.
        if self.user and self.agent is not None and self.agent.poll() is None:
            try:
                if x_state(self.port) != 'stopped':
                    self.session_stop(seconds=8)
            except OSError:
                pass
        if self.root:
            try:
                with open(os.path.join(self.root, 'run', 'nxagent.pid')) as f:
                    pid = int(f.read().strip())
                if pid > 1 and pid_alive(pid):
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass
        # qvd-vma's own children (a launcher or hook still running), then qvd-vma itself.
        if self.agent is not None and self.agent.poll() is None:
            for child in children_of(self.agent.pid):
                try:
                    os.kill(child, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        stop_process(self.agent, 'qvd-vma')
        if self.user:
            try:
                uid = pwd.getpwnam(self.user).pw_uid
                for _ in range(3):
                    pids = pids_of_uid(uid)
                    if not pids:
                        break
                    for pid in pids:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                    time.sleep(0.2)
            except KeyError:
                pass
            subprocess.run(['userdel', '-rf', self.user], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run(['groupdel', self.user], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.display is not None and self.display_files_were_free:
            for path in ('/tmp/.X%d-lock' % self.display, '/tmp/.X11-unix/X%d' % self.display):
                try:
                    os.unlink(path)
                except OSError:
                    pass
        if self.nginx is not None and self.nginx.poll() is None:
            workers = children_of(self.nginx.pid)
            stop_process(self.nginx, 'nginx')
            for w in workers:  # normally gone with the master
                if pid_alive(w):
                    try:
                        os.kill(w, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        for d in (self.root, self.nginx_prefix):
            if d and not self.a.keep:
                shutil.rmtree(d, ignore_errors=True)


def status_kb(pid, *fields):
    """Selected kB fields of /proc/<pid>/status, e.g. RssAnon and RssFile."""
    out = {}
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                k = line.split(':')[0]
                if k in fields:
                    out[k] = int(line.split()[1])
    except OSError:
        pass
    return out


def _rss_one(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


# ---------------------------------------------------------------------------------------------
# report


def fmt_mib(kb):
    return '%.1f MiB' % (kb / 1024.0)


def fmt_range(lo, hi, unit, scale=1.0, digits=1):
    return '%.*f-%.*f %s' % (digits, lo * scale, digits, hi * scale, unit)


def evaluate(ours1, nginx, ours2, sessions):
    """Rows: (figure, ours, reference, ratio, target, verdict); verdict is PASS, FAIL or info."""
    rows = []

    def add(figure, ours, ref, ratio, target, ok):
        rows.append((figure, ours, ref, ratio, target, 'info' if ok is None else ('PASS' if ok else 'FAIL')))

    up = UPSTREAM
    idle = ours1['rss_idle_kb']
    add('RSS idle (qvd-vma process)', fmt_mib(idle), 'upstream ' + fmt_range(*up['rss_idle_kb'], 'MiB', 1 / 1024.0),
        '%.2fx' % (idle / up['rss_idle_kb'][0]), '<= 15 MiB', idle <= RSS_LIMIT_KB)
    after = [(ours1[k], 'pass 1 ' + k) for k in ('rss_after_x_state_kb', 'rss_after_keepalive_kb', 'rss_after_load_kb')]
    after += [(ours2[k], 'pass 2 ' + k) for k in ('rss_after_x_state_kb', 'rss_after_keepalive_kb', 'rss_after_load_kb')]
    worst = max(after)[0]
    add('RSS after load (max of 6 samples)', fmt_mib(worst), 'upstream ' + fmt_range(*up['rss_after_load_kb'], 'MiB', 1 / 1024.0),
        '%.2fx' % (worst / up['rss_after_load_kb'][0]), '<= 15 MiB', worst <= RSS_LIMIT_KB)
    split = ours1.get('_idle_status_kb', {})
    if 'RssAnon' in split:
        add('RSS idle: anonymous / file-backed', '%d / %d kB' % (split['RssAnon'], split.get('RssFile', 0)), '-', '-', 'report', None)
    growth = ours2['rss_after_load_kb'] - ours1['rss_after_load_kb']
    add('RSS growth, load pass 2 vs pass 1', '%+d kB' % growth, 'upstream +4..+76 kB', '-',
        '<= +%d kB' % RSS_GROWTH_LIMIT_KB, growth <= RSS_GROWTH_LIMIT_KB)
    add('RSS warm-up, idle -> after pass 1', '%+d kB' % (ours1['rss_after_load_kb'] - idle), '-', '-', 'report', None)
    if nginx.get('_rss_tree_after_kb'):
        add('RSS nginx, master + workers', '-', fmt_mib(nginx['_rss_tree_after_kb']), '-', 'report', None)
    peak = ours1.get('load_ping_memory_sampled', {}).get('rss_tree_peak_kb')
    if peak:
        add('RSS peak under 8-client load', fmt_mib(peak), 'upstream PSS 156-203 MB', '-', 'report', None)

    p99 = ours1['x_state_new_conn']['p99_ms']
    add('x_state p99, new connection', '%.3f ms' % p99, 'upstream ' + fmt_range(*up['x_state_p99_ms'], 'ms'),
        '%.4fx' % (p99 / up['x_state_p99_ms'][0]), '<= 2 ms', p99 <= P99_LIMIT_MS)
    p99b = ours2['x_state_new_conn']['p99_ms']
    add('x_state p99, new conn., pass 2', '%.3f ms' % p99b, 'nginx %.3f ms' % nginx['x_state_new_conn']['p99_ms'],
        '%.2fx' % (p99b / nginx['x_state_new_conn']['p99_ms']), 'report', None)
    med = ours1['x_state_new_conn']['median_ms']
    add('x_state median, new connection', '%.3f ms' % med, 'nginx %.3f ms' % nginx['x_state_new_conn']['median_ms'],
        '%.2fx' % (med / nginx['x_state_new_conn']['median_ms']), 'report', None)
    ka = ours1['x_state_keepalive']['p99_ms']
    add('x_state p99, keep-alive', '%.3f ms' % ka, 'nginx %.3f ms' % nginx['x_state_keepalive']['p99_ms'],
        '%.2fx' % (ka / nginx['x_state_keepalive']['p99_ms']), 'report', None)

    for method in ('ping', 'x_state'):
        key = 'load_' + method
        o, n = ours1[key]['req_per_s'], nginx[key]['req_per_s']
        ratio = o / n if n else float('inf')
        errs = ours1[key]['errors']
        add('req/s, 8 clients, %s%s' % (method, ' (%d errors)' % errs if errs else ''), '%.1f' % o, 'nginx %.1f' % n,
            '%.2fx' % ratio, '>= 0.5x nginx', ratio >= THROUGHPUT_RATIO and errs == 0)

    for run in sessions.get('runs', []):
        if 'to_listening_ms' in run:
            add('x_start -> listening, ' + run['label'], '%.0f ms' % run['to_listening_ms'], '-', '-', 'report', None)
            if run.get('rss_agent_kb_with_session'):
                add('  RSS qvd-vma while that session listens', fmt_mib(run['rss_agent_kb_with_session']), '-', '-', 'report', None)
        else:
            add('x_start -> listening, ' + run['label'], 'failed', '-', '-', 'works', False)
    if 'skipped' in sessions:
        add('x_start -> listening', 'skipped', '-', '-', sessions['skipped'], None)
    return rows


def print_table(rows):
    head = ('figure', 'ours', 'baseline / reference', 'ratio', 'target', 'result')
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(6)]
    line = '  '.join('%-*s' % (w, h) for w, h in zip(widths, head))
    print(line)
    print('  '.join('-' * w for w in widths))
    for r in rows:
        print('  '.join('%-*s' % (w, c) for w, c in zip(widths, r)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--vma', required=True, help='the qvd-vma binary')
    ap.add_argument('--harness', required=True, help='vma_bench.py')
    ap.add_argument('--nginx', default=shutil.which('nginx') or '/usr/sbin/nginx')
    ap.add_argument('--results', required=True, help='directory for the raw JSON')
    ap.add_argument('--n', type=int, default=1000, help='sequential calls per latency series')
    ap.add_argument('--clients', type=int, default=8)
    ap.add_argument('--seconds', type=float, default=10, help='length of each throughput run (pass 1 and nginx)')
    ap.add_argument('--seconds-pass2', type=float, default=5, help='length of each throughput run of pass 2')
    ap.add_argument('--start-timeout', type=float, default=30, help='seconds to wait for listening after x_start')
    ap.add_argument('--keep', action='store_true', help='keep the temp dirs (logs) for inspection')
    a = ap.parse_args()
    os.makedirs(a.results, exist_ok=True)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background

    b = Bench(a)
    t0 = time.monotonic()
    failure, status = None, None
    try:
        b.start_agent()
        b.start_nginx()
        b.check_replies()
        idle_split = status_kb(b.agent.pid, 'VmRSS', 'RssAnon', 'RssFile', 'RssShmem', 'Threads')
        ours1 = b.run_harness('ours-pass1', b.port, b.agent.pid, a.seconds)
        ours1['_idle_status_kb'] = idle_split
        nginx = b.run_harness('nginx', b.nginx_port, None, a.seconds)
        nginx['_rss_tree_after_kb'] = rss_tree_kb(b.nginx.pid)  # master + workers
        ours2 = b.run_harness('ours-pass2', b.port, b.agent.pid, a.seconds_pass2)
        sessions = b.measure_sessions()
    except KeyboardInterrupt:
        log('interrupted: cleaning up')
        status = 130
    except SystemExit as e:
        log('terminated: cleaning up')
        status = e.code if isinstance(e.code, int) else 1
    except Exception as e:  # noqa: BLE001 - any setup or measuring failure is reported after the cleanup
        failure = e
    finally:
        b.cleanup()
    if status is not None:
        return status
    if failure is not None:
        log('FAILED: %s' % failure)
        return 2

    rows = evaluate(ours1, nginx, ours2, sessions)
    summary = {'started': b.results['started'], 'seconds': round(time.monotonic() - t0, 1),
               'cpus': os.cpu_count(), 'vma': os.path.abspath(a.vma), 'replies': b.results.get('replies'),
               'replies_identical': b.results.get('replies_identical'),
               'raw': [os.path.basename(p) for p in b.files], 'sessions': sessions,
               'extra': {label: {k: v for k, v in d.items() if k.startswith('_')}
                         for label, d in (('ours-pass1', ours1), ('nginx', nginx), ('ours-pass2', ours2))},
               'table': [dict(zip(('figure', 'ours', 'reference', 'ratio', 'target', 'result'), r)) for r in rows]}
    summary_path = os.path.join(a.results, '%s-summary.json' % b.stamp)
    with open(summary_path, 'w') as f:
        f.write(json.dumps(summary, indent=2) + '\n')

    print()
    print('qvd-vma benchmark, %s, %d CPUs, %.0f s; nginx baseline measured in the same run' % (summary['started'], os.cpu_count(), summary['seconds']))
    print()
    print_table(rows)
    print()
    print('raw JSON: ' + ', '.join(b.files + [summary_path]))
    failed = [r[0] for r in rows if r[5] == 'FAIL']
    if failed:
        print('FAILED targets: ' + '; '.join(failed))
        return 1
    print('all targets met')
    return 0


if __name__ == '__main__':
    sys.exit(main())
