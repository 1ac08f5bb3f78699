-- Replacing host functions by assignment: rollin is read-only.
return {
	name = "escape-rollin-assign",
	version = "1.0",
	kind = "report",
	run = function(call)
		rollin.upsert = function() end
		rollin.columns({ "escaped" })
	end,
}
