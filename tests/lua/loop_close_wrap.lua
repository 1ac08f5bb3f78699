-- As loop_close_coroutine.lua, through coroutine.wrap, which resets the
-- dead coroutine itself before it raises the error again.
return {
	name = "loop-close-wrap",
	version = "1.0",
	kind = "report",
	run = function(call)
		local f = coroutine.wrap(function()
			local guard <close> = setmetatable({}, {
				__close = function() while true do end end,
			})
			while true do end
		end)
		pcall(f)
		rollin.columns({ "escaped" })
	end,
}
