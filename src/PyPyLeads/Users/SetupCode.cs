using System.Security.Cryptography;
using System.Text;

namespace PyPyLeads.Users;

/// <summary>
/// The one-time code that first-run set-up asks for, so that whoever reaches a fresh instance first cannot make
/// themselves its admin: only someone who can read the app's log or its data folder knows it. Only its hash is stored.
/// The fixed primary key lets one code exist at a time: instances starting together each try to insert theirs, the
/// database keeps the first, and every instance checks against that row (<see cref="IssueSetupCode"/>).
/// The row is deleted by the set-up that uses it (<see cref="SetUpFirstAdmin"/>).
/// </summary>
public sealed class SetupCode
{
    public const int SingletonId = 1;

    /// <summary>Characters a person copies without mistaking one for another (no 0/O, 1/I/L, 8/B).</summary>
    private const string Alphabet = "ACDEFGHJKMNPQRSTUVWXYZ2345679";

    /// <summary>Five groups of five characters: 25 characters of a 29-letter alphabet, about 121 bits.</summary>
    private const int Groups = 5;
    private const int GroupLength = 5;

    public int Id { get; set; } = SingletonId;

    /// <summary>SHA-256 of the code's normalised form, in hex; the code itself is never stored.</summary>
    public required string Hash { get; set; }

    public DateTime IssuedAtUtc { get; set; }

    /// <summary>A new random code, written in dash-separated groups.</summary>
    public static string NewCode()
    {
        var groups = Enumerable.Range(0, Groups)
            .Select(_ => new string(Enumerable.Range(0, GroupLength).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]).ToArray()));
        return string.Join('-', groups);
    }

    /// <summary>The code as compared: upper case, without the spaces and dashes people add or drop when copying.</summary>
    public static string Normalise(string code) =>
        new(code.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray());

    public static string HashOf(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Normalise(code))));

    /// <summary>Whether <paramref name="typed"/> is the code whose hash is stored, compared in constant time.</summary>
    public bool Accepts(string typed) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashOf(typed)), Encoding.ASCII.GetBytes(Hash));
}
