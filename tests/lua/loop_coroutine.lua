-- An endless loop in a coroutine the script made: it inherits the hook.
return {
	name = "loop-coroutine",
	version = "1.0",
	kind = "report",
	run = function(call)
		coroutine.wrap(function() while true do end end)()
		rollin.columns({ "escaped" })
	end,
}
