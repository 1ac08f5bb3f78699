-- matrix: a notifier that posts each event it gets as a German message to
-- a Matrix room, through the client-server API:
--
--	PUT {homeserver}/_matrix/client/v3/rooms/{room}/send/m.room.message/{txnId}
--	Authorization: Bearer {token}
--	{ "msgtype": "m.text", "body": "...", "format": "org.matrix.custom.html",
--	  "formatted_body": "..." }
--
-- Settings (plugins: matrix: ... in the config file):
--	homeserver	the homeserver's client API address, e.g.
--			https://matrix.example.org; required
--	room		the room's id, e.g. "!abcdef:example.org" (not an alias
--			such as #rollin:example.org: the send endpoint needs the
--			id, which the room's settings show); required
--	token		the access token of the account that posts (a bot user
--			that has joined the room); required
--	msgtype		m.text (default) or m.notice (shown as a bot's message)
--	base_url	the service's public address, for the link in the message
--			(e.g. https://rollin.example.de); without it the link is
--			the path only
--	event_types, backoff_base, backoff_max, max_attempts, timeout_ms:
--			the delivery engine's (which events, how retries go)
--
-- An answer 2xx delivers the event; anything else fails the attempt and
-- the delivery engine retries it. The transaction id is made from the
-- event (its number and a digest of its time, type and subject), so a
-- message sent again after a failure, a timeout or a restart has the same
-- id and the homeserver keeps it once.

local TITLES = {
	["release.published"] = "Neue Version veröffentlicht",
	["release.overdue"] = "Geplante Version überfällig",
	["cycle.support_ending"] = "Support endet bald",
	["cycle.eol_reached"] = "Wartungsende erreicht",
	["solution.stale"] = "Eintrag nicht mehr aktuell",
	["solution.confirmed"] = "Eintrag bestätigt",
	["solution.retired"] = "Lösung eingestellt",
	["rollin.status_changed"] = "Roll-in-Status geändert",
	["rollin.step_overdue"] = "Roll-in-Schritt überfällig",
	["rollin.blocker_raised"] = "Hindernis im Roll-in gemeldet",
	["rollin.blocker_resolved"] = "Hindernis im Roll-in gelöst",
	["feedback.answered"] = "Rückmeldung beantwortet",
}

local RESOURCES = {
	organisation = "Organisation", contact = "Kontakt", solution = "Lösung",
	responsibility = "Zuständigkeit", cycle = "Wartungszyklus", release = "Version",
	adoption = "Nachnutzung", rollin = "Roll-in", rollin_step = "Roll-in-Schritt",
	rollin_blocker = "Roll-in-Hindernis", lesson = "Erfahrungsbericht",
	feedback = "Rückmeldung", cost_report = "Kostenbericht", assessment = "Prüfung",
	reuse_check = "Nachnutzungsprüfung", subscription = "Abonnement",
}

local VERBS = { created = "angelegt", updated = "geändert", deleted = "gelöscht" }

local function title_of(typ)
	if TITLES[typ] then
		return TITLES[typ]
	end
	local resource, verb = typ:match("^(.-)%.(%a+)$")
	if resource and RESOURCES[resource] and VERBS[verb] then
		return RESOURCES[resource] .. " " .. VERBS[verb]
	end
	return "Ereignis " .. typ
end

local function text(v)
	if type(v) == "string" then
		return v
	elseif type(v) == "number" then
		return tostring(v)
	end
	return nil
end

-- "2026-03-02T10:00:00Z" as "02.03.2026, 10:00 UTC", "2026-03-02" as
-- "02.03.2026".
local function german_time(iso)
	local y, m, d, hh, mm = tostring(iso):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d)")
	if y then
		return ("%s.%s.%s, %s:%s UTC"):format(d, m, y, hh, mm)
	end
	y, m, d = tostring(iso):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
	if y then
		return ("%s.%s.%s"):format(d, m, y)
	end
	return tostring(iso)
end

local function html(s)
	return (tostring(s):gsub("[&<>\"']", {
		["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;",
	}))
end

-- One line of text: no line breaks, at most n bytes (whole characters).
local function one_line(s, n)
	s = tostring(s):gsub("[\r\n\t]", " ")
	if #s > n then
		s = s:sub(1, n)
		while #s > 0 and not utf8.len(s) do
			s = s:sub(1, -2)
		end
		s = s .. "…"
	end
	return s
end

-- Percent-encoding of a path segment (RFC 3986 unreserved stay).
local function escape(s)
	return (s:gsub("[^%w%-%._~]", function(c)
		return ("%%%02X"):format(c:byte())
	end))
end

-- What the event is about: a list of { label, value } from its payload.
local function details(ev)
	local p = type(ev.payload) == "table" and ev.payload or {}
	local rel = type(p.release) == "table" and p.release or {}
	local out = {}
	local function add(label, v)
		v = text(v)
		if v and v ~= "" then
			out[#out + 1] = { label, v }
		end
	end
	if text(ev.solution) then
		local rows = rollin.query("SELECT name FROM solutions WHERE slug = ?", { ev.solution })
		local name = rows and rows[1] and rows[1][1]
		add("Lösung", name and ("%s (%s)"):format(name, ev.solution) or ev.solution)
	end
	add("Version", text(p.version) or text(rel.version))
	local cycle = type(p.cycle) == "table" and p.cycle.name or p.cycle or rel.cycle
	add("Wartungszyklus", cycle)
	if text(p.support_until) then
		add("Support bis", german_time(p.support_until))
	elseif text(p.eol) then
		add("Wartungsende", german_time(p.eol))
	elseif text(p.planned_date) then
		add("Geplant für", german_time(p.planned_date))
	end
	if ev.type == "rollin.status_changed" and text(p.from) and text(p.to) then
		add("Status", p.from .. " → " .. p.to)
	end
	return out
end

local function setting(name)
	local v = rollin.setting(name)
	if v ~= nil then
		v = v:match("^%s*(.-)%s*$")
	end
	return v ~= "" and v or nil
end

-- The settings, checked: a table, or nil and what is wrong.
local function configuration()
	local c = {
		homeserver = setting("homeserver"),
		room = setting("room"),
		token = setting("token"),
		msgtype = setting("msgtype") or "m.text",
		base_url = (setting("base_url") or ""):gsub("/+$", ""),
	}
	local missing = {}
	for _, key in ipairs({ "homeserver", "room", "token" }) do
		if not c[key] then
			missing[#missing + 1] = key
		end
	end
	if #missing > 0 then
		return nil, "nicht eingerichtet: plugins.matrix braucht " .. table.concat(missing, ", ")
			.. " (homeserver: https://matrix.example.org, room: !raum:example.org, "
			.. "token: Zugangstoken des Bot-Kontos)"
	end
	if not c.homeserver:match("^https?://[^/]") then
		return nil, "plugins.matrix.homeserver muss eine http(s)-Adresse sein, nicht '"
			.. c.homeserver .. "'"
	end
	c.homeserver = c.homeserver:gsub("/+$", "")
	if not c.room:match("^!.+:.+$") then
		return nil, "plugins.matrix.room muss eine Raum-ID wie !abcdef:example.org sein, nicht '"
			.. c.room .. "' (die ID steht in den Raumeinstellungen)"
	end
	if c.msgtype ~= "m.text" and c.msgtype ~= "m.notice" then
		return nil, "plugins.matrix.msgtype muss m.text oder m.notice sein"
	end
	return c
end

-- The message for an event: { msgtype, body, format, formatted_body }.
local function message(c, ev)
	local title = title_of(tostring(ev.type))
	local rows = details(ev)
	local what = rows[1] and rows[1][1] == "Lösung" and rows[1][2] or text(ev.subject) or ""
	if rows[2] and rows[2][1] == "Version" then
		what = what .. " " .. rows[2][2]
	end
	rows[#rows + 1] = { "Zeitpunkt", german_time(ev.time) }
	if text(ev.actor) then
		rows[#rows + 1] = { "Ausgelöst von", ev.actor }
	end
	local link = c.base_url .. "/api/v1/" .. tostring(ev.subject or "")

	local body = { ("[Rollin] %s: %s"):format(title, one_line(what, 300)) }
	local items = {}
	for _, r in ipairs(rows) do
		body[#body + 1] = ("%s: %s"):format(r[1], one_line(r[2], 300))
		items[#items + 1] = ("<li>%s: %s</li>"):format(html(r[1]), html(one_line(r[2], 300)))
	end
	body[#body + 1] = "Link: " .. link
	body[#body + 1] = ("Ereignis-Nr. %s (%s)"):format(tostring(ev.id), tostring(ev.type))

	local href = link:match("^https?://") and ('<a href="%s">%s</a>'):format(html(link), html(link))
		or html(link)
	local formatted = ("<p><strong>%s</strong>: %s</p><ul>%s<li>Link: %s</li></ul>"
		.. "<p><small>Ereignis-Nr. %s (%s)</small></p>"):format(html(title),
		html(one_line(what, 300)), table.concat(items), href, html(tostring(ev.id)),
		html(tostring(ev.type)))
	return {
		msgtype = c.msgtype,
		body = table.concat(body, "\n"),
		format = "org.matrix.custom.html",
		formatted_body = formatted,
	}
end

-- The transaction id: the same for every attempt of one event.
local function txn_id(ev)
	local digest = rollin.hmac_sha256_hex("rollin-matrix-txn",
		table.concat({ tostring(ev.id), tostring(ev.time), tostring(ev.type),
			tostring(ev.subject) }, "\n"))
	return ("rollin-%s-%s"):format(tostring(ev.id), digest:sub(1, 16))
end

-- Why the homeserver refused: its errcode and error, briefly.
local function refusal(status, answer)
	local ok, doc = pcall(rollin.json_decode, answer or "")
	local why = ""
	if ok and type(doc) == "table" and type(doc.errcode) == "string" then
		why = doc.errcode .. (type(doc.error) == "string" and (": " .. doc.error) or "")
	else
		why = one_line(answer or "", 200)
	end
	local hint = ""
	if status == 401 then
		hint = " (Zugangstoken ungültig)"
	elseif status == 403 then
		hint = " (das Konto darf in diesem Raum nicht schreiben; ist es Mitglied?)"
	elseif status == 429 then
		hint = " (zu viele Nachrichten; der nächste Versuch folgt)"
	end
	return ("der Homeserver antwortete %d%s%s"):format(status, why ~= "" and (": " .. why) or "", hint)
end

return {
	name = "matrix",
	version = "1.0",
	description = "Nachrichten zu Ereignissen in einen Matrix-Raum (Client-Server-API)",
	kind = "notifier",
	init = function(call)
		local c, why = configuration()
		if not c then
			error(why, 0)
		end
		rollin.log("info", ("sendet in den Raum %s auf %s"):format(c.room, c.homeserver))
	end,
	run = function(call)
		local c, why = configuration()
		if not c then
			return false, why
		end
		local ev = call.event
		local url = ("%s/_matrix/client/v3/rooms/%s/send/m.room.message/%s"):format(
			c.homeserver, escape(c.room), txn_id(ev))
		local status, answer = rollin.http("PUT", url, {
			["Authorization"] = "Bearer " .. c.token,
			["Content-Type"] = "application/json",
		}, rollin.json_encode(message(c, ev)))
		if not status then
			return false, ("keine Antwort von %s: %s"):format(c.homeserver, answer)
		end
		if status < 200 or status >= 300 then
			return false, refusal(status, answer)
		end
		return true
	end,
}
