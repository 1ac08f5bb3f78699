-- Replacing host functions with rawset: rollin is no table.
return {
	name = "escape-rollin-rawset",
	version = "1.0",
	kind = "report",
	run = function(call)
		rawset(rollin, "upsert", function() end)
		rollin.columns({ "escaped" })
	end,
}
