-- An endless loop with an enormous instruction budget: the time limit
-- ends it.
return {
	name = "loop-slow",
	version = "1.0",
	kind = "report",
	run = function(call)
		while true do end
		rollin.columns({ "escaped" })
	end,
}
