using System.Runtime.InteropServices;
using HarmonyLite.Host;

// SIGINT (Ctrl+C) and SIGTERM (systemd stop) end the node gracefully instead of killing the process.
using var shutdown = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; shutdown.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; shutdown.Cancel(); });
return await HostCommand.RunAsync(args, Console.Out, Console.Error, shutdown.Token);
