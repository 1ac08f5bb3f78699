-- csv-import: roll-ins and cost reports that administrations keep in
-- spreadsheets, saved as CSV.
--
--	rollin import --plugin csv-import kosten-2026.csv
--
-- One row is one record. A row that cannot be read, or that the core
-- refuses, is listed in the import's summary as "Zeile N" (the line of
-- the file where the row begins) with the column at fault; the other rows
-- land.
--
-- The file: UTF-8 with or without byte order mark (a file that is not
-- UTF-8 is read as Windows-1252, which is what Excel writes as "CSV"),
-- separated by ";" (German spreadsheets) or "," (detected from the first
-- line), with a header row that names the columns.
--
-- Settings (plugins: csv-import: ... in the config file), all optional:
--	kind		cost_report or rollin; without it the header decides
--	separator	";", "," or a tab; without it the first line decides
--	map_<field>	the header of the column that holds <field>, e.g.
--			map_one_off_cents: "Einmalkosten (EUR)"
--	timeout_ms	the host's time limit per import (default 5000) also
--			counts the time the records take to be stored: about
--			30,000 rows fit; raise it for larger files
--
-- Columns of cost reports (field: default header):
--	solution: Lösung, organisation: Organisation (slug or name; the
--	organisation must already be recorded as an adopter of the solution),
--	period_start: Zeitraum von, period_end: Zeitraum bis,
--	one_off_cents: Einmalkosten, operating_cents: Betriebskosten pro Jahr,
--	contributions_cents: Beiträge Weiterentwicklung,
--	licence_cents: Lizenzgebühren, own_effort_days: Eigenaufwand (PT),
--	day_rate_cents: Tagessatz, build_alone_cents: Kosten Eigenentwicklung,
--	public: Öffentlich, notes: Bemerkungen
-- Columns of roll-ins:
--	solution: Lösung, adopter: Nachnutzende Organisation,
--	onboarding_team: Onboarding-Team, target_golive: Zieltermin,
--	started_on: Start, notes: Bemerkungen
--
-- Values: amounts in euros as German spreadsheets write them ("1.234,56",
-- "1234,5", "1.234", "1.234,56 €"; "1234.56" also reads, and a dot
-- followed by exactly three digits groups thousands); person-days with at
-- most two decimals ("12,5"); dates as "31.12.2026" or "2026-12-31";
-- yes/no as ja/nein, wahr/falsch, true/false, 1/0. Empty cells leave a
-- field out (amounts then count as 0, the day rate is the configured one).
--
-- Importing the same file again: cost reports have no key of their own
-- (several reports of one adoption and period are allowed), so every
-- import creates them anew; remove a file's reports before importing a
-- corrected one. A roll-in row whose solution, adopter and onboarding team
-- already have an open roll-in (not live, not aborted) is not imported
-- again: the summary lists it with the roll-in's number, and changes to it
-- are made in Rollin itself.

local COST = {
	kind = "cost_report",
	label = "Kostenberichte",
	fields = {
		{ name = "solution", header = "Lösung", type = "solution", required = true },
		{ name = "organisation", header = "Organisation", type = "organisation", required = true },
		{ name = "period_start", header = "Zeitraum von", type = "date", required = true, marks = true },
		{ name = "period_end", header = "Zeitraum bis", type = "date", required = true, marks = true },
		{ name = "one_off_cents", header = "Einmalkosten", type = "money", marks = true },
		{ name = "operating_cents", header = "Betriebskosten pro Jahr", type = "money", marks = true },
		{ name = "contributions_cents", header = "Beiträge Weiterentwicklung", type = "money", marks = true },
		{ name = "licence_cents", header = "Lizenzgebühren", type = "money", marks = true },
		{ name = "own_effort_days", header = "Eigenaufwand (PT)", type = "days", marks = true },
		{ name = "day_rate_cents", header = "Tagessatz", type = "money" },
		{ name = "build_alone_cents", header = "Kosten Eigenentwicklung", type = "money", marks = true },
		{ name = "public", header = "Öffentlich", type = "bool" },
		{ name = "notes", header = "Bemerkungen", type = "text" },
	},
}

local ROLLIN = {
	kind = "rollin",
	label = "Roll-ins",
	fields = {
		{ name = "solution", header = "Lösung", type = "solution", required = true },
		{ name = "adopter", header = "Nachnutzende Organisation", type = "organisation", required = true, marks = true },
		{ name = "onboarding_team", header = "Onboarding-Team", type = "organisation", required = true, marks = true },
		{ name = "target_golive", header = "Zieltermin", type = "date", marks = true },
		{ name = "started_on", header = "Start", type = "date" },
		{ name = "notes", header = "Bemerkungen", type = "text" },
	},
}

-- Windows-1252 code points of the bytes 0x80 to 0x9F (the rest is Latin-1).
local CP1252 = {
	[0x80] = 0x20AC, [0x82] = 0x201A, [0x83] = 0x0192, [0x84] = 0x201E,
	[0x85] = 0x2026, [0x86] = 0x2020, [0x87] = 0x2021, [0x88] = 0x02C6,
	[0x89] = 0x2030, [0x8A] = 0x0160, [0x8B] = 0x2039, [0x8C] = 0x0152,
	[0x8E] = 0x017D, [0x91] = 0x2018, [0x92] = 0x2019, [0x93] = 0x201C,
	[0x94] = 0x201D, [0x95] = 0x2022, [0x96] = 0x2013, [0x97] = 0x2014,
	[0x98] = 0x02DC, [0x99] = 0x2122, [0x9A] = 0x0161, [0x9B] = 0x203A,
	[0x9C] = 0x0153, [0x9E] = 0x017E, [0x9F] = 0x0178,
}

local function trim(s)
	return (s:gsub("^[%s\194\160]+", ""):gsub("[%s\194\160]+$", ""))
end

-- A header as compared: trimmed, single spaces, lower case (also ÄÖÜ).
local function norm(s)
	s = trim(s):gsub("%s+", " "):lower()
	return (s:gsub("\195\132", "\195\164"):gsub("\195\150", "\195\182"):gsub("\195\156", "\195\188"))
end

local function quote(s)
	if #s > 60 then
		s = s:sub(1, 57) .. "..."
	end
	return "'" .. s .. "'"
end

-- ---- values -------------------------------------------------------------

-- "1.234" or "12.345.678": digits grouped by dots in threes.
local function grouped(s)
	local rest = s:match("^%d%d?%d?(%..*)$")
	return rest ~= nil and (rest:gsub("%.%d%d%d", "")) == ""
end

-- A decimal as an integer of hundredths, or nil and why.
local function hundredths(text, what)
	local s = text:gsub("\226\130\172", ""):gsub("\194\160", ""):gsub("\226\128\175", "")
	s = s:gsub("[Ee][Uu][Rr]", ""):gsub("%s", "")
	if s:sub(1, 1) == "-" then
		return nil, what .. " darf nicht negativ sein"
	end
	s = s:gsub("^%+", "")
	local int, frac
	if s:find(",", 1, true) then
		int, frac = s:match("^(%d[%d%.]*),(%d*)$")
		if int and int:find(".", 1, true) and not grouped(int) then
			int = nil
		end
	elseif s:find(".", 1, true) then
		if grouped(s) then
			int, frac = s, ""
		else
			int, frac = s:match("^(%d+)%.(%d+)$")
		end
	else
		int, frac = s:match("^(%d+)$"), ""
	end
	if not int then
		return nil, quote(text) .. " ist keine Zahl (Beispiel: 1.234,56)"
	end
	int = int:gsub("%.", "")
	if #frac > 2 then
		return nil, quote(text) .. " hat mehr als zwei Nachkommastellen"
	end
	if #int > 13 then
		return nil, quote(text) .. " ist zu groß"
	end
	return tonumber(int) * 100 + tonumber((frac .. "00"):sub(1, 2))
end

local function days_in_month(y, m)
	if m == 2 then
		local leap = (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
		return leap and 29 or 28
	end
	return (m == 4 or m == 6 or m == 9 or m == 11) and 30 or 31
end

local function parse_date(text)
	local s = trim(text)
	local d, m, y = s:match("^(%d%d?)%.(%d%d?)%.(%d+)$")
	if not d then
		y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
	end
	if not d then
		return nil, quote(text) .. " ist kein Datum (Beispiel: 31.12.2026)"
	end
	if #y ~= 4 then
		return nil, quote(text) .. ": das Jahr braucht vier Stellen (Beispiel: 31.12.2026)"
	end
	y, m, d = tonumber(y), tonumber(m), tonumber(d)
	if m < 1 or m > 12 or d < 1 or d > days_in_month(y, m) then
		return nil, quote(text) .. " ist kein gültiges Datum"
	end
	return ("%04d-%02d-%02d"):format(y, m, d)
end

local BOOLS = {
	ja = true, j = true, wahr = true, ["true"] = true, ["1"] = true, x = true, yes = true,
	nein = false, n = false, falsch = false, ["false"] = false, ["0"] = false, no = false,
}

local CONVERT = {
	money = function(text)
		return hundredths(text, "ein Betrag")
	end,
	days = function(text)
		local h, why = hundredths(text, "der Aufwand")
		if not h then
			return nil, why
		end
		if h % 100 == 0 then
			return h // 100
		end
		return h / 100
	end,
	date = parse_date,
	bool = function(text)
		local v = BOOLS[trim(text):lower()]
		if v == nil then
			return nil, quote(text) .. " ist weder ja noch nein"
		end
		return v
	end,
	text = function(text)
		return trim(text)
	end,
}

-- ---- the file -----------------------------------------------------------

-- The separator the host will use (the same guess as rollin.csv_parse).
local function separator_of(text, setting)
	if setting and setting ~= "" then
		return setting == "\\t" and "\t" or setting
	end
	local first = text:match("^[^\n]*")
	local n = {}
	for _, c in ipairs({ ",", ";", "\t" }) do
		local _, k = first:gsub(c == "\t" and "\t" or "%" .. c, "")
		n[c] = k
	end
	if n[";"] > n[","] and n[";"] >= n["\t"] then
		return ";"
	elseif n["\t"] > n[","] and n["\t"] > n[";"] then
		return "\t"
	end
	return ","
end

-- The line each record of the file begins on, as libcsv splits them: a
-- quoted field may span lines, and blank lines make no record.
local function record_lines(text, sep)
	local starts, pos, line, quoted = {}, 1, 0, false
	local blank = sep == "\t" and "^[ \r]*$" or "^[ \t\r]*$"
	while pos <= #text do
		local nl = text:find("\n", pos, true) or #text + 1
		local s = text:sub(pos, nl - 1)
		line = line + 1
		if not quoted and not s:find(blank) then
			starts[#starts + 1] = line
		end
		local _, quotes = s:gsub('"', "")
		if quotes % 2 == 1 then
			quoted = not quoted
		end
		pos = nl + 1
	end
	return starts
end

-- Which columns hold which field: { [field name] = index }, or nil and
-- what is missing.
local function map_columns(spec, header)
	local index, columns, missing = {}, {}, {}
	for i, h in ipairs(header) do
		local k = norm(h)
		if index[k] == nil then
			index[k] = i
		end
	end
	for _, f in ipairs(spec.fields) do
		local want = rollin.setting("map_" .. f.name) or f.header
		local i = index[norm(want)]
		if i then
			columns[f.name] = { index = i, header = trim(header[i]) }
		elseif f.required then
			missing[#missing + 1] = quote(want)
		end
	end
	if #missing > 0 then
		return nil, ("für %s fehlt die Spalte %s (Spaltennamen einstellen mit "
			.. "plugins.csv-import.map_<Feld>)"):format(spec.label, table.concat(missing, ", "))
	end
	return columns
end

-- The kind of table: the setting, or the columns only one kind has.
local function detect(header)
	local setting = rollin.setting("kind")
	if setting and setting ~= "" and setting ~= "auto" then
		if setting == "cost_report" or setting == "cost-report" then
			return COST
		elseif setting == "rollin" or setting == "roll-in" then
			return ROLLIN
		end
		return nil, ("plugins.csv-import.kind muss cost_report oder rollin sein, nicht %s"):format(quote(setting))
	end
	local present = {}
	for _, h in ipairs(header) do
		present[norm(h)] = true
	end
	local function marks(spec)
		for _, f in ipairs(spec.fields) do
			if f.marks and present[norm(rollin.setting("map_" .. f.name) or f.header)] then
				return true
			end
		end
		return false
	end
	local cost, roll = marks(COST), marks(ROLLIN)
	if cost and not roll then
		return COST
	elseif roll and not cost then
		return ROLLIN
	end
	return nil, "aus der Kopfzeile geht nicht hervor, ob die Datei Kostenberichte oder "
		.. "Roll-ins enthält; plugins.csv-import.kind auf cost_report oder rollin setzen"
end

-- ---- the catalogue --------------------------------------------------------

-- Looks records up once per import: slugs by slug or name, adoptions.
local function lookups()
	local cache = { solution = {}, organisation = {}, adoption = {}, rollin = {} }
	local tables = { solution = "solutions", organisation = "organisations" }
	local self = {}

	function self.slug(kind, text)
		local c = cache[kind]
		if c[text] == nil then
			local rows, err = rollin.query("SELECT slug FROM " .. tables[kind]
				.. " WHERE slug = ?1 OR name = ?1 COLLATE NOCASE ORDER BY slug = ?1 DESC LIMIT 2", { text })
			if not rows then
				error("the catalogue could not be read: " .. err.message)
			end
			if #rows == 1 or (#rows == 2 and rows[1][1] == text) then
				c[text] = rows[1][1]
			elseif #rows == 0 then
				c[text] = false
			else
				c[text] = 0 -- two records of that name
			end
		end
		return c[text]
	end

	function self.adoption(solution, organisation)
		local key = solution .. "\n" .. organisation
		if cache.adoption[key] == nil then
			local rows = rollin.query("SELECT a.id FROM adoptions a "
				.. "JOIN solutions s ON s.id = a.solution_id "
				.. "JOIN organisations o ON o.id = a.organisation_id "
				.. "WHERE s.slug = ?1 AND o.slug = ?2", { solution, organisation })
			cache.adoption[key] = rows and rows[1] and rows[1][1] or false
		end
		return cache.adoption[key]
	end

	-- The open roll-in of a solution, adopter and onboarding team: its
	-- number and status, or nil.
	function self.open_rollin(solution, adopter, team)
		local rows = rollin.query("SELECT r.id, r.status FROM rollins r "
			.. "JOIN solutions s ON s.id = r.solution_id "
			.. "JOIN organisations a ON a.id = r.adopter_id "
			.. "JOIN organisations t ON t.id = r.onboarding_team_id "
			.. "WHERE s.slug = ?1 AND a.slug = ?2 AND t.slug = ?3 "
			.. "AND r.status NOT IN ('live', 'aborted') ORDER BY r.id DESC LIMIT 1",
			{ solution, adopter, team })
		if rows and rows[1] then
			return rows[1][1], rows[1][2]
		end
		return nil
	end

	return self
end

local WHAT = { solution = "Lösung", organisation = "Organisation" }

-- One row as a record, or nil and the problems (each naming its column).
local function convert(spec, columns, row, look)
	local record, problems = {}, {}
	for _, f in ipairs(spec.fields) do
		local col = columns[f.name]
		local cell = col and trim(row[col.index] or "") or ""
		if cell == "" then
			if f.required and col then
				problems[#problems + 1] = ("Spalte %s ist leer"):format(quote(col.header))
			end
		elseif f.type == "solution" or f.type == "organisation" then
			local slug = look.slug(f.type, cell)
			if type(slug) == "string" then
				record[f.name] = slug
			else
				problems[#problems + 1] = ("Spalte %s: %s %s"):format(quote(col.header),
					slug == false and ("keine " .. WHAT[f.type]) or ("mehrere Einträge für"),
					quote(cell) .. (slug == false and " im Katalog (Kürzel oder Name)" or "; das Kürzel angeben"))
			end
		else
			local v, why = CONVERT[f.type](cell)
			if v == nil then
				problems[#problems + 1] = ("Spalte %s: %s"):format(quote(col.header), why)
			else
				record[f.name] = v
			end
		end
	end
	if spec == COST and record.solution and record.organisation then
		local id = look.adoption(record.solution, record.organisation)
		if id then
			record.adoption = id
		else
			problems[#problems + 1] = ("Spalte %s: %s nutzt die Lösung %s laut Katalog nicht "
				.. "(erst die Nachnutzung erfassen)"):format(quote(columns.organisation.header),
				record.organisation, record.solution)
		end
		record.solution, record.organisation = nil, nil
	end
	if #problems > 0 then
		return nil, table.concat(problems, "; ")
	end
	return record
end

-- The core's refusal, with the column of the field it names.
local function refusal(spec, columns, err)
	local field = err.field or ""
	local col = columns[field]
	if field == "adoption" then
		col = columns.organisation
	end
	if col then
		return ("Spalte %s: %s"):format(quote(col.header), err.message)
	end
	if field ~= "" then
		return ("%s: %s"):format(field, err.message)
	end
	return err.message
end

return {
	name = "csv-import",
	version = "1.0",
	description = "Roll-ins und Kostenberichte aus Tabellen (CSV, deutsche Zahlen- und Datumsformate)",
	kind = "importer",
	run = function(call)
		local text = rollin.input() or ""
		local name = call.input_name or "die Datei"
		if text:sub(1, 3) == "\239\187\191" then
			text = text:sub(4)
		end
		if not utf8.len(text) then
			rollin.log("warn", name .. " ist kein UTF-8; als Windows-1252 gelesen")
			text = text:gsub("[\128-\255]", function(c)
				local b = c:byte()
				return utf8.char(CP1252[b] or b)
			end)
		end
		local sep = separator_of(text, rollin.setting("separator"))
		local rows, header, line = rollin.csv_parse(text, { header = true, separator = sep })
		if not rows then
			return false, ("keine lesbare CSV-Datei: Zeile %d: %s"):format(line,
				(header:gsub("^line %d+: ", "")))
		end
		if not header then
			return false, "die Datei ist leer"
		end
		local spec, why = detect(header)
		if not spec then
			return false, why
		end
		local columns
		columns, why = map_columns(spec, header)
		if not columns then
			return false, why
		end
		local starts = record_lines(text, sep)
		if #starts ~= #rows + 1 then
			-- Should not happen; then rows are numbered as if one per line.
			starts = {}
		end
		local look = lookups()
		for i, row in ipairs(rows) do
			local where = "Zeile " .. (starts[i + 1] or i + 1)
			local empty = true
			for _, cell in ipairs(row) do
				if trim(cell) ~= "" then
					empty = false
					break
				end
			end
			if not empty then
				local record, problem = convert(spec, columns, row, look)
				if not record then
					rollin.reject(where, problem)
				else
					local open, status
					if spec == ROLLIN then
						open, status = look.open_rollin(record.solution, record.adopter,
							record.onboarding_team)
					end
					if open then
						rollin.reject(where, ("Roll-in %d von %s für %s mit %s gibt es schon "
							.. "(Status %s); nicht noch einmal angelegt"):format(open,
							record.solution, record.adopter, record.onboarding_team, status))
					else
						local ok, err = rollin.upsert(spec.kind, record)
						if not ok then
							rollin.reject(where, refusal(spec, columns, err))
						end
					end
				end
			end
			rollin.progress(i, #rows)
		end
	end,
}
