using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>A whole number of milliseconds or seconds in the file, a <see cref="TimeSpan"/> in the configuration.</summary>
internal sealed class DurationSettingType(TimeSpan unit, string unitName, long minimum, long maximum) : SettingType<TimeSpan>
{
    public static DurationSettingType Milliseconds(long minimum, long maximum) =>
        new(TimeSpan.FromMilliseconds(1), "milliseconds", minimum, maximum);

    public static DurationSettingType Seconds(long minimum, long maximum) =>
        new(TimeSpan.FromSeconds(1), "seconds", minimum, maximum);

    public override string Expectation => $"a whole number of {unitName} from {minimum} to {maximum}";

    public override bool TryConvert(object toml, out TimeSpan value, out string problem)
    {
        var valid = toml is long count && count >= minimum && count <= maximum;
        value = valid ? unit * (long)toml : TimeSpan.Zero;
        problem = valid ? "" : Mismatch(toml);
        return valid;
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value) => writer.WriteNumberValue(value.Ticks / unit.Ticks);
}
