namespace PyPyLeads.Users;

/// <summary>
/// The single row written by first-run set-up. Its fixed primary key makes a second set-up fail in the
/// database, even when two set-up requests race.
/// </summary>
public sealed class Installation
{
    public const int SingletonId = 1;
    public int Id { get; set; } = SingletonId;
    public DateTime SetUpAtUtc { get; set; }
    public required string SetUpByUserId { get; set; }
}
