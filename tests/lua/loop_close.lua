-- An endless loop in a to-be-closed variable's __close, which runs while
-- the stopped call unwinds.
return {
	name = "loop-close",
	version = "1.0",
	kind = "report",
	run = function(call)
		local guard <close> = setmetatable({}, {
			__close = function() while true do end end,
		})
		while true do end
		rollin.columns({ "escaped" })
	end,
}
