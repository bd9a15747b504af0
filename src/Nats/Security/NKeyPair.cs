using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace HarmonyLite.Nats.Security;

/// <summary>
/// An Ed25519 key pair in NATS NKey encoding: base32 of a type prefix byte, the key, and a CRC-16.
/// A seed ("S" + type letter) holds the private key; the public key starts with the type letter
/// (U user, A account, O operator, N server).
/// </summary>
internal sealed class NKeyPair
{
    private const byte SeedPrefix = 18 << 3; // 'S'
    private readonly Ed25519PrivateKeyParameters _privateKey;

    private NKeyPair(NKeyType type, byte[] rawSeed)
    {
        Type = type;
        _privateKey = new Ed25519PrivateKeyParameters(rawSeed, 0);
        var publicKey = _privateKey.GeneratePublicKey().GetEncoded();
        PublicKey = Encode((byte)type, publicKey);
        Seed = EncodeSeed(type, rawSeed);
    }

    public NKeyType Type { get; }

    /// <summary>The encoded public key, e.g. "UD...".</summary>
    public string PublicKey { get; }

    /// <summary>The encoded seed, e.g. "SU...". Secret.</summary>
    public string Seed { get; }

    /// <summary>A new random key pair of the given type.</summary>
    public static NKeyPair Create(NKeyType type) => new(type, RandomNumberGenerator.GetBytes(32));

    /// <summary>Decodes an encoded seed; <paramref name="source"/> names where it came from for the error message.</summary>
    public static NKeyPair FromSeed(string seed, string source)
    {
        var raw = Base32.Decode(seed.Trim());
        if (raw is null || raw.Length != 2 + 32 + 2)
            throw new ArgumentException($"{source} is not an NKey seed: expected 58 base32 characters starting with 'S'.");
        var crc = (ushort)(raw[^2] | raw[^1] << 8);
        if (Crc16.Compute(raw.AsSpan(0, raw.Length - 2)) != crc)
            throw new ArgumentException($"{source} is not a valid NKey seed: its checksum does not match (truncated or mistyped?).");
        if ((raw[0] & 0xF8) != SeedPrefix)
            throw new ArgumentException($"{source} is not an NKey seed (it must start with 'S'); a public key cannot sign.");
        var type = (byte)(((raw[0] & 0x07) << 5) | ((raw[1] & 0xF8) >> 3));
        if (!Enum.IsDefined(typeof(NKeyType), type))
            throw new ArgumentException($"{source} is an NKey seed of unknown type {type}.");
        return new NKeyPair((NKeyType)type, raw[2..34]);
    }

    /// <summary>Ed25519 signature of <paramref name="data"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _privateKey);
        var bytes = data.ToArray();
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }

    /// <summary>The CONNECT "sig" field: the nonce's signature in base64url without padding.</summary>
    public string SignNonce(string nonce) => Base64Url(Sign(Encoding.UTF8.GetBytes(nonce)));

    public static string Base64Url(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Encode(byte prefix, ReadOnlySpan<byte> key)
    {
        var raw = new byte[1 + key.Length + 2];
        raw[0] = prefix;
        key.CopyTo(raw.AsSpan(1));
        WriteCrc(raw);
        return Base32.Encode(raw);
    }

    private static string EncodeSeed(NKeyType type, ReadOnlySpan<byte> rawSeed)
    {
        var raw = new byte[2 + rawSeed.Length + 2];
        raw[0] = (byte)(SeedPrefix | ((byte)type >> 5));
        raw[1] = (byte)(((byte)type & 31) << 3);
        rawSeed.CopyTo(raw.AsSpan(2));
        WriteCrc(raw);
        return Base32.Encode(raw);
    }

    private static void WriteCrc(byte[] raw)
    {
        var crc = Crc16.Compute(raw.AsSpan(0, raw.Length - 2));
        raw[^2] = (byte)crc;
        raw[^1] = (byte)(crc >> 8);
    }
}
