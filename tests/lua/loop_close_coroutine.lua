-- A coroutine stopped by the budget, then closed: its pending __close
-- handler loops. An error raised by the hook leaves the hook off in a
-- thread until a pcall unwinds it, so the handler must not run hookless.
return {
	name = "loop-close-coroutine",
	version = "1.0",
	kind = "report",
	run = function(call)
		local co = coroutine.create(function()
			local guard <close> = setmetatable({}, {
				__close = function() while true do end end,
			})
			while true do end
		end)
		coroutine.resume(co)
		coroutine.close(co)
		rollin.columns({ "escaped" })
	end,
}
