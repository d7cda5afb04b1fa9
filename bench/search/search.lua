-- wrk script: rotates through the search paths of $QUERIES (one per line), with a Bearer token
-- from $TOKEN. Each wrk thread starts at a different offset. There is no response() hook:
-- wrk counts non-2xx answers itself, and a Lua call per response costs the client CPU that
-- the server on the same machine would otherwise get.
local paths = {}
local idx = 0
local token = os.getenv("TOKEN")

function init(args)
  for line in io.lines(os.getenv("QUERIES")) do
    paths[#paths + 1] = line
  end
  idx = math.random(#paths)
end

function request()
  idx = idx % #paths + 1
  return wrk.format("GET", paths[idx], { ["Authorization"] = "Bearer " .. token })
end
