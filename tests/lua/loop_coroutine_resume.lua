-- Endless loops in coroutines whose failures the script ignores: the caller is stopped too.
return {
	name = "loop-coroutine-resume",
	version = "1.0",
	kind = "report",
	run = function(call)
		while true do
			coroutine.resume(coroutine.create(function() while true do end end))
		end
		rollin.columns({ "escaped" })
	end,
}
