-- Catching the memory error in a coroutine and returning as if nothing happened: the call still fails.
return {
	name = "bomb-coroutine",
	version = "1.0",
	kind = "report",
	run = function(call)
		local co = coroutine.create(function()
			local t = {}
			while true do
				t[#t + 1] = ("z"):rep(1024) .. #t
			end
		end)
		local ok, err = coroutine.resume(co)
		co = nil
		rollin.columns({ "escaped" })
	end,
}
