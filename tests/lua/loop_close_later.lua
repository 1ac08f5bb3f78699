-- A coroutine stopped by the budget in one call and closed in the next,
-- whose budget is fresh: closing it must not run a handler unstopped.
return {
	name = "loop-close-later",
	version = "1.0",
	kind = "report",
	run = function(call)
		if rollin.param("phase") == "1" then
			stopped = coroutine.create(function()
				local guard <close> = setmetatable({}, {
					__close = function() while true do end end,
				})
				while true do end
			end)
			coroutine.resume(stopped)
		else
			local ok = coroutine.close(stopped)
			rollin.columns({ "closed" })
			rollin.row({ ok })
		end
	end,
}
