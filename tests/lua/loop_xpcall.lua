-- An endless loop under xpcall with a handler that loops too.
return {
	name = "loop-xpcall",
	version = "1.0",
	kind = "report",
	run = function(call)
		while true do
			xpcall(function() while true do end end, function() while true do end end)
		end
		rollin.columns({ "escaped" })
	end,
}
