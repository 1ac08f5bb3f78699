-- Imports organisations from CSV (slug;name;kind); a row the store refuses
-- is rejected with its line, the others land.
return {
	name = "good-importer",
	version = "1.0",
	kind = "importer",
	run = function(call)
		local rows, header = rollin.csv_parse(rollin.input(), { header = true })
		if not rows then
			return false, "cannot read " .. call.input_name .. ": " .. header
		end
		for i, row in ipairs(rows) do
			local record = {}
			for j, name in ipairs(header) do
				record[name] = row[j]
			end
			local ok, err = rollin.upsert("organisation", record, "slug")
			if not ok then
				rollin.reject("line " .. (i + 1), err.field .. ": " .. err.message)
			end
			rollin.progress(i, #rows)
		end
	end,
}
