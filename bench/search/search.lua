-- wrk script: rotates through the search paths of $QUERIES (one per line), with a Bearer token
-- from $TOKEN. Each wrk thread starts at a different offset. The requests are formatted once,
-- at start (as wrk does for a fixed URL), and there is no response() hook: wrk counts non-2xx
-- answers itself. Both keep the client's CPU per request low; it shares the machine's cores
-- with the server.
local reqs = {}
local idx = 0
local token = os.getenv("TOKEN")

function init(args)
  for line in io.lines(os.getenv("QUERIES")) do
    reqs[#reqs + 1] = wrk.format("GET", line, { ["Authorization"] = "Bearer " .. token })
  end
  idx = math.random(#reqs)
end

function request()
  idx = idx % #reqs + 1
  return reqs[idx]
end
