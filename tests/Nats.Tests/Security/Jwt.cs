using System.Text;
using System.Text.Json.Nodes;
using HarmonyLite.Nats.Security;

namespace HarmonyLite.Nats.Tests.Security;

/// <summary>Issues NATS v2 JWTs (operator, account, user) signed with NKeys, for an operator-mode test server.</summary>
internal static class Jwt
{
    public static string Operator(NKeyPair op) => Sign(op, op.PublicKey, "test-operator", new JsonObject { ["type"] = "operator", ["version"] = 2 });

    public static string Account(NKeyPair op, NKeyPair account) => Sign(op, account.PublicKey, "test-account", new JsonObject
    {
        ["limits"] = new JsonObject
        {
            ["subs"] = -1, ["data"] = -1, ["payload"] = -1, ["imports"] = -1, ["exports"] = -1,
            ["wildcards"] = true, ["conn"] = -1, ["leaf"] = -1,
        },
        ["default_permissions"] = new JsonObject { ["pub"] = new JsonObject(), ["sub"] = new JsonObject() },
        ["type"] = "account",
        ["version"] = 2,
    });

    public static string User(NKeyPair account, NKeyPair user) => Sign(account, user.PublicKey, "test-user", new JsonObject
    {
        ["pub"] = new JsonObject(), ["sub"] = new JsonObject(),
        ["subs"] = -1, ["data"] = -1, ["payload"] = -1,
        ["type"] = "user",
        ["version"] = 2,
    });

    /// <summary>The .creds text a user would be handed.</summary>
    public static string Creds(string userJwt, NKeyPair user) =>
        $"-----BEGIN NATS USER JWT-----\n{userJwt}\n------END NATS USER JWT------\n\n************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\n\n-----BEGIN USER NKEY SEED-----\n{user.Seed}\n------END USER NKEY SEED------\n\n*************************************************************\n";

    private static string Sign(NKeyPair issuer, string subject, string name, JsonObject nats)
    {
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "ed25519-nkey" };
        var claims = new JsonObject
        {
            ["jti"] = Guid.NewGuid().ToString("N").ToUpperInvariant(),
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5,
            ["iss"] = issuer.PublicKey,
            ["name"] = name,
            ["sub"] = subject,
            ["nats"] = nats,
        };
        var body = NKeyPair.Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + NKeyPair.Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return body + "." + NKeyPair.Base64Url(issuer.Sign(Encoding.ASCII.GetBytes(body)));
    }
}
