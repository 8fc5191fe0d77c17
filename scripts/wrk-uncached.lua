-- wrk script for uncached embeds (scripts/bench-core.sh, scripts/bench-hops.sh): a new text per
-- request, so no cache answers. Arguments: a prefix that keeps runs apart, and "direct" for the
-- simulator's own OpenAI-style body instead of the gateway's REST one.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local prefix, direct, n = "u", false, 0
function init(args) prefix = args[1] or "u"; direct = args[2] == "direct" end
function request()
  n = n + 1
  local text = prefix .. " uncached sentence " .. n
  if direct then return wrk.format(nil, nil, nil, '{"model":"general","input":["' .. text .. '"]}') end
  return wrk.format(nil, nil, nil, '{"text":"' .. text .. '"}')
end
