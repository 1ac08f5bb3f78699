-- A finalizer that never returns: finalizers run without hooks, so __gc is refused.
return {
	name = "escape-gc-finalizer",
	version = "1.0",
	kind = "report",
	run = function(call)
		setmetatable({}, { __gc = function() while true do end end })
		rollin.columns({ "escaped" })
	end,
}
