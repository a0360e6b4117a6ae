namespace PyPyLeads.Data;

/// <summary>
/// An editable entity with an application-managed concurrency token. SQLite cannot generate row versions,
/// so the context bumps <see cref="Version"/> on every update and EF Core refuses a save whose
/// original version no longer matches: a concurrent edit is reported, never silently overwritten.
/// </summary>
public interface IVersioned
{
    long Version { get; set; }
}
