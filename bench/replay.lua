-- wrk script: each request is the next of a file of distinct, validly signed Twilio webhooks
-- (one per line: the signature, a tab, the form body), made by bench/webhook_bench.py.
local requests = {}
local n = 0
local threads = 0

-- Runs once per thread before init: its number, so each thread starts elsewhere in the file.
-- (Without it every thread sent the same sequence, and half the load was redeliveries.)
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    local sig, body = line:match("^([^\t]+)\t(.*)$")
    n = n + 1
    requests[n] = wrk.format("POST", "/webhooks/twilio/sms", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Twilio-Signature"] = sig,
    }, body)
  end
  -- each wrk thread starts at its own offset, so no two threads send the same message
  counter = (id or 0) * math.floor(n / 2)
end

function request()
  counter = counter % n + 1
  return requests[counter]
end

local non2xx = 0
function response(status, headers, body)
  if status < 200 or status >= 300 then non2xx = non2xx + 1 end
end
