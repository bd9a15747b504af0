using FsCheck;
using FsCheck.Fluent;

namespace HarmonyLite.Engine.Tests.Codec;

/// <summary>
/// Runs FsCheck properties from a fixed seed, so every run tries the same cases and a failure
/// reproduces; failures throw with the counter-example.
/// </summary>
internal static class PropertyChecks
{
    private const ulong Seed = 0x4841524D4F4E59UL;
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public static void Check<T>(Gen<T> generator, Func<T, bool> property, int cases = 300) =>
        Prop.ForAll(generator.ToArbitrary(), property)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(cases).WithReplay(Seed, Gamma).WithQuietOnSuccess(true));

    public static void Check<T>(Gen<T> generator, Action<T> property, int cases = 300) =>
        Prop.ForAll(generator.ToArbitrary(), property)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(cases).WithReplay(Seed, Gamma).WithQuietOnSuccess(true));
}
