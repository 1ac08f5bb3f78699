--[[
example-importer: the worked example of a Lua importer plugin (explained
line by line in docs/plugins.md). It imports organisations from

  CSV   a header row naming the columns (slug, name, kind, state, website;
        any order, unknown columns are ignored), separated by "," or ";"
  JSON  an array of objects with the same keys

and updates an organisation whose slug exists instead of creating a second
one. A row without slug or name is rejected by the plugin itself; a row
the service refuses (an unknown kind, a misspelt federal state) is
rejected with the service's reason; every other row still lands.

Copy it into a plugin directory and run it with

  rollin import --plugin example-importer organisations.csv

Settings (plugins: example-importer: ... in the config file):
  default_kind  the kind of rows whose kind cell is empty (default: none,
                such rows are refused by the service: kind is required)
]]

local FIELDS = { "slug", "name", "kind", "state", "website" }

-- Records from CSV text: one table per row, keyed by the header's names.
local function from_csv(text)
	local rows, header = rollin.csv_parse(text, { header = true })
	if rows == nil then
		-- Malformed CSV: the second value is the message ("line 3:
		-- a quoted field is not closed"), a third the line number.
		return nil, header
	end
	if header == nil then
		return nil, "the file is empty"
	end
	local column = {}
	for i, name in ipairs(header) do
		column[name:lower():match("^%s*(.-)%s*$")] = i
	end
	if column.slug == nil or column.name == nil then
		return nil, "the header must name the columns slug and name"
	end
	local records = {}
	for i, row in ipairs(rows) do
		local record = {}
		for _, field in ipairs(FIELDS) do
			local cell = column[field] and row[column[field]]
			-- An empty cell is a field not given, not an empty text.
			if cell ~= nil and cell ~= "" then
				record[field] = cell
			end
		end
		-- Row 1 is the header, so the first record is row 2.
		records[i] = { where = "row " .. (i + 1), record = record }
	end
	return records
end

-- Records from JSON text: an array of objects.
local function from_json(text)
	local doc, err = rollin.json_decode(text)
	if doc == nil then
		return nil, "not JSON: " .. err
	end
	if type(doc) ~= "table" or (next(doc) ~= nil and doc[1] == nil) then
		return nil, "the JSON must be an array of organisations"
	end
	local records = {}
	for i, item in ipairs(doc) do
		local record = {}
		if type(item) == "table" then
			for _, field in ipairs(FIELDS) do
				if type(item[field]) == "string" then
					record[field] = item[field]
				end
			end
		end
		records[i] = { where = "[" .. (i - 1) .. "]", record = record }
	end
	return records
end

local function run(call)
	local text = rollin.input() or ""
	local records, err
	-- JSON starts with [ or {; anything else is taken for CSV.
	if text:match("^%s*[%[{]") then
		records, err = from_json(text)
	else
		records, err = from_csv(text)
	end
	if records == nil then
		-- false and a message: the import fails as a whole and
		-- writes nothing.
		return false, err
	end

	local default_kind = rollin.setting("default_kind")
	for i, item in ipairs(records) do
		local where = call.input_name .. ":" .. item.where
		local record = item.record
		if record.slug == nil or record.name == nil then
			rollin.reject(where, "slug and name are required")
		else
			record.kind = record.kind or default_kind
			-- Same validation as the API; "slug" finds the record
			-- to update instead of creating a second one.
			local ok, e = rollin.upsert("organisation", record, "slug")
			if not ok then
				rollin.reject(where, e.message)
			end
		end
		rollin.progress(i, #records)
	end
	rollin.log("info", call.input_name .. ": " .. #records ..
	    " organisations read")
	return true
end

return {
	name = "example-importer",
	version = "1.0.0",
	description = "Beispiel: Organisationen aus CSV oder JSON",
	kind = "importer",
	run = run,
}
