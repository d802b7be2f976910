-- protocol.lua - mugai-milter at the milter protocol level (miltertest).
-- MUGAI_MILTER_SOCKET names the running milter.
-- miltertest does not print Lua errors, so every step reports itself.
local sock = os.getenv("MUGAI_MILTER_SOCKET")
local failed = 0

local function check(what, cond)
    if cond then print("ok - " .. what) else print("not ok - " .. what); failed = failed + 1 end
end

-- step - a protocol call that returns nil on success
local function step(what, err)
    if err ~= nil then print("not ok - " .. what .. ": " .. tostring(err)); failed = failed + 1 end
end

-- session - one message; body is a string or a table of chunks (each
-- under the protocol's 64 KB packet limit)
local function session(headers, body, qid)
    local conn = mt.connect(sock, 40, 0.25)
    if conn == nil then error("cannot connect to " .. sock) end
    step("conninfo", mt.conninfo(conn, "client.example.net", "192.0.2.10"))
    step("helo", mt.helo(conn, "client.example.net"))
    mt.macro(conn, SMFIC_MAIL, "i", qid)  -- the queue ID, as Postfix sends it
    step("mail from", mt.mailfrom(conn, "<sender@example.net>"))
    step("rcpt to", mt.rcptto(conn, "<staff@city.example.lg.jp>"))
    for _, h in ipairs(headers) do
        step("header " .. h[1], mt.header(conn, h[1], h[2]))
    end
    if type(body) == "string" then body = {body} end
    for _, chunk in ipairs(body) do
        step("body", mt.bodystring(conn, chunk))
    end
    step("eom", mt.eom(conn))
    return conn
end

-- 1. HTML: headers rewritten, body replaced, continue.
local c = session({{"From", "a@example.net"}, {"To", "staff@city.example.lg.jp"},
                   {"Subject", "html"}, {"MIME-Version", "1.0"},
                   {"Content-Type", "text/html; charset=UTF-8"}},
                  "<html><body><p>Hello <a href=\"https://example.com/x\">link</a></p>" ..
                  "<script>evil()</script></body></html>\r\n", "PROTO1")
check("html: continue", mt.getreply(c) == SMFIR_CONTINUE)
check("html: X-Mugai-Status added", mt.eom_check(c, MT_HDRADD, "X-Mugai-Status"))
check("html: Content-Type changed in place to text/plain",
      mt.eom_check(c, MT_HDRCHANGE, "Content-Type", "text/plain; charset=UTF-8"))
check("html: Content-Type not added a second time", not mt.eom_check(c, MT_HDRADD, "Content-Type"))
-- Fields the sanitized message keeps as they were get no edit at all.
check("html: From left alone", not mt.eom_check(c, MT_HDRCHANGE, "From")
      and not mt.eom_check(c, MT_HDRDELETE, "From") and not mt.eom_check(c, MT_HDRADD, "From"))
check("html: Subject left alone", not mt.eom_check(c, MT_HDRCHANGE, "Subject")
      and not mt.eom_check(c, MT_HDRDELETE, "Subject"))
check("html: body replaced", mt.eom_check(c, MT_BODYCHANGE))
mt.disconnect(c)

-- 2. Too large for the configured limit: 552 5.3.4.
local big = {}
for i = 1, 40 do big[i] = string.rep(string.rep("x", 76) .. "\r\n", 500) end  -- 1.5 MB
c = session({{"From", "a@example.net"}, {"Subject", "big"}}, big, "PROTO2")
check("big: rejected with a reply code", mt.getreply(c) == SMFIR_REPLYCODE)
mt.disconnect(c)

-- 3. An incoming X-Mugai-Status is not trusted: it is deleted.
c = session({{"From", "a@example.net"}, {"Subject", "spoof"}, {"X-Mugai-Status", "sanitized"}},
            "plain\r\n", "PROTO3")
check("spoof: continue", mt.getreply(c) == SMFIR_CONTINUE)
check("spoof: incoming X-Mugai-Status replaced", mt.eom_check(c, MT_HDRCHANGE, "X-Mugai-Status")
      and not mt.eom_check(c, MT_HDRCHANGE, "X-Mugai-Status", "sanitized"))

-- 4. Two incoming X-Mugai-Status fields: the first is replaced, the second deleted.
c = session({{"From", "a@example.net"}, {"Subject", "spoof2"}, {"X-Mugai-Status", "sanitized"},
             {"X-Mailer", "x"}, {"X-Mugai-Status", "sanitized"}}, "plain\r\n", "PROTO4")
check("spoof2: continue", mt.getreply(c) == SMFIR_CONTINUE)
check("spoof2: first X-Mugai-Status replaced", mt.eom_check(c, MT_HDRCHANGE, "X-Mugai-Status"))
check("spoof2: second X-Mugai-Status deleted", mt.eom_check(c, MT_HDRDELETE, "X-Mugai-Status"))
check("spoof2: X-Mailer deleted", mt.eom_check(c, MT_HDRDELETE, "X-Mailer"))
mt.disconnect(c)

if failed > 0 then
    print(failed .. " protocol checks failed")
    os.exit(1)
end
