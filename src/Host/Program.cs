using HarmonyLite.Host;

return await HostCommand.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
