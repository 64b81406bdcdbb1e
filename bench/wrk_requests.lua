-- wrk script of `make bench-load` and `make bench-scaleout`: the requests of a file, one a line,
--   METHOD <tab> PATH <tab> HEADERS <tab> BODY     (HEADERS: "Name: value" pairs joined by " | ")
-- called as `wrk ... -s wrk_requests.lua <url> -- FILE THREADS`. Thread t of n sends lines t, t+n, t+2n …
-- in turn (so no two threads send the same write), and starts again at its first line when it runs out
-- (counted as `wrapped`: a write sent twice is refused, which shows as errors). With WRK_PORTS="8001,8002" in
-- the environment, thread t connects to the t-th port in turn on the same host (a round-robin over app
-- servers, by connection). done() prints one line, WRK_JSON {...}, that bench/servers.py reads.
local count = 0
local threads = {}

function setup(thread)
  local ports = os.getenv("WRK_PORTS")
  if ports and ports ~= "" then
    local list = {}
    for port in string.gmatch(ports, "[^,]+") do table.insert(list, port) end
    local host = os.getenv("WRK_HOST") or "127.0.0.1"
    thread.addr = wrk.lookup(host, list[count % #list + 1])[1]
    thread:set("port", list[count % #list + 1])
  end
  thread:set("tid", count)
  count = count + 1
  table.insert(threads, thread)
end

local function parse_headers(text)
  local headers = {}
  for pair in string.gmatch(text, "[^|]+") do
    local name, value = string.match(pair, "^%s*([^:]-)%s*:%s*(.-)%s*$")
    if name and name ~= "" then headers[name] = value end
  end
  return headers
end

function init(args)
  local path, n = args[1], tonumber(args[2])
  local lines, i = {}, 0
  for line in io.lines(path) do
    if i % n == tid then table.insert(lines, line) end
    i = i + 1
  end
  prepared = {}
  for _, line in ipairs(lines) do
    local method, p, headers, body = string.match(line, "^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    local h = parse_headers(headers or "")
    if body == "" then body = nil end
    table.insert(prepared, {method = method, path = p, headers = h, body = body})
  end
  built = {}
  for k, r in ipairs(prepared) do built[k] = wrk.format(r.method, r.path, r.headers, r.body) end
  index, wrapped, sent = 0, 0, 0
end

function request()
  index = index + 1
  if index > #built then
    index = 1
    wrapped = wrapped + 1
  end
  sent = sent + 1
  return built[index]
end

function done(summary, latency, requests)
  local wrapped_total = 0
  for _, t in ipairs(threads) do wrapped_total = wrapped_total + (t:get("wrapped") or 0) end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "wrapped": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, wrapped_total))
end
