-- An endless loop inside pcall, inside an endless loop: pcall cannot swallow the stop.
return {
	name = "loop-pcall",
	version = "1.0",
	kind = "report",
	run = function(call)
		while true do
			pcall(function() while true do end end)
		end
		rollin.columns({ "escaped" })
	end,
}
