-- wrk script: rotates through the search paths of $QUERIES (one per line), with a Bearer token
-- from $TOKEN. Each wrk thread starts at a different offset.
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

local non200 = 0
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
