-- Replays prepared requests, one per line of a file: method, path, cookie, body (tab-separated;
-- "-" for none). Arguments after "--": the file, "cycle" or "once", and the thread count.
-- "cycle" goes round the list; "once" gives each request to one thread, used once, so an
-- attempt is submitted once. done() prints one JSON line for bench/http_load.py.

local prepared = {}
local mode = "cycle"
local count = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local path, total = args[1], tonumber(args[3])
  mode = args[2]
  local index = 0
  for line in io.lines(path) do
    index = index + 1
    if mode == "cycle" or (index - 1) % total == id - 1 then
      local f = split(line)
      local headers = {}
      if f[3] ~= "-" then headers["Cookie"] = f[3] end
      local body = nil
      if f[4] ~= "-" then
        body = f[4]
        headers["Content-Type"] = f[1] == "PUT" and "application/json"
          or "application/x-www-form-urlencoded"
      end
      table.insert(prepared, wrk.format(f[1], f[2], headers, body))
    end
  end
  count = (mode == "cycle") and (id - 1) * 7 or 0
end

function request()
  count = count + 1
  if mode == "once" and count > #prepared then
    wrk.thread:stop()
    return prepared[#prepared]
  end
  return prepared[((count - 1) % #prepared) + 1]
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "status_errors": %d, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
