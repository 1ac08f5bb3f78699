-- Replacing the rollin table's metatable: rollin is a userdata proxy
-- whose metatable is locked.
return {
	name = "escape-rollin-setmetatable",
	version = "1.0",
	kind = "report",
	run = function(call)
		assert(type(getmetatable(rollin)) == "string")
		setmetatable(rollin, { __index = function() return print end })
		rollin.columns({ "escaped" })
	end,
}
