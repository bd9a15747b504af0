namespace HarmonyLite.Engine.Toml;

/// <summary>How a table came to exist; the TOML rules against redefinition depend on it.</summary>
internal enum TomlTableKind
{
    /// <summary>Created on the way to a deeper header (<c>a</c> in <c>[a.b]</c>); may be defined later, once.</summary>
    Implicit,

    /// <summary>Defined by a <c>[header]</c> or as an element of <c>[[header]]</c>; never defined again.</summary>
    Header,

    /// <summary>Created by a dotted key (<c>a.b = 1</c>); only further dotted keys may add to it.</summary>
    Dotted,

    /// <summary>An inline table <c>{ ... }</c>, complete and immutable once closed.</summary>
    Inline,

    /// <summary>The document itself.</summary>
    Root,
}
