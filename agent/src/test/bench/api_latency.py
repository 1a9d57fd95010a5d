import socket, sys, time, json, statistics
path, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX); s.connect(path); f = s.makefile('rwb')
def call(i, op, args):
    f.write((json.dumps({"v":1,"id":str(i),"op":op,"args":args})+"\n").encode()); f.flush()
    r = json.loads(f.readline()); assert r["ok"], r; return r
lat = {"status": [], "forward.add": [], "forward.remove": []}
for i in range(n):
    for op, args in (("status", {}), ("forward.add", {"forward":{"name":"b","listen":"7100","to":["10.0.1.5:7100"]}}), ("forward.remove", {"name":"b"})):
        t = time.perf_counter(); call(i, op, args); lat[op].append((time.perf_counter()-t)*1e6)
for op, v in lat.items():
    v = v[n//5:]  # drop warm-up
    v.sort(); print(f"{op:15s} median {statistics.median(v):7.0f} us  p99 {v[int(len(v)*0.99)]:7.0f} us  ({len(v)} calls)")
