using System.Text;
using HarmonyLite.Nats.Security;
using Xunit;

namespace HarmonyLite.Nats.Tests.Security;

public sealed class NKeyTests
{
    [Fact]
    public void Crc16_matches_the_XMODEM_check_value() => Assert.Equal(0x31C3, Crc16.Compute("123456789"u8));

    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_follows_RFC_4648_without_padding(string text, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(Encoding.ASCII.GetBytes(text), Base32.Decode(encoded));
    }

    [Theory]
    [InlineData("User", 'U')]
    [InlineData("Account", 'A')]
    [InlineData("Operator", 'O')]
    [InlineData("Server", 'N')]
    public void Encoded_keys_carry_their_type_letters_and_a_seed_reproduces_the_pair(string typeName, char letter)
    {
        var type = Enum.Parse<NKeyType>(typeName);
        var pair = NKeyPair.Create(type);
        Assert.Equal(letter, pair.PublicKey[0]);
        Assert.Equal(56, pair.PublicKey.Length);
        Assert.Equal("S" + letter, pair.Seed[..2]);
        Assert.Equal(58, pair.Seed.Length);
        var again = NKeyPair.FromSeed(pair.Seed, "test");
        Assert.Equal(pair.PublicKey, again.PublicKey);
        Assert.Equal(type, again.Type);
    }

    [Fact]
    public void Signatures_are_deterministic_Ed25519_in_base64url()
    {
        var pair = NKeyPair.Create(NKeyType.User);
        var sig = pair.SignNonce("nonce-123");
        Assert.Equal(sig, NKeyPair.FromSeed(pair.Seed, "test").SignNonce("nonce-123"));
        Assert.Equal(86, sig.Length); // 64 bytes, unpadded base64url
        Assert.DoesNotContain('+', sig);
        Assert.DoesNotContain('/', sig);
        Assert.DoesNotContain('=', sig);
    }

    [Fact]
    public void A_public_key_is_not_accepted_as_a_seed()
    {
        var pair = NKeyPair.Create(NKeyType.User);
        Assert.Throws<ArgumentException>(() => NKeyPair.FromSeed(pair.PublicKey, "test"));
        Assert.Throws<ArgumentException>(() => NKeyPair.FromSeed("SUnot-base32!", "test"));
    }

    [Fact]
    public void Creds_file_blocks_are_found()
    {
        var user = NKeyPair.Create(NKeyType.User);
        var creds = CredsFile.Parse(Jwt.Creds("header.claims.sig", user), "test.creds");
        Assert.Equal("header.claims.sig", creds.Jwt);
        Assert.Equal(user.PublicKey, creds.Seed.PublicKey);
        Assert.Throws<ArgumentException>(() => CredsFile.Parse("no blocks here", "test.creds"));
    }
}
