-- An endless loop while the script loads: the plugin is refused.
while true do end
return { name = "load-loop", kind = "report", run = function() end }
