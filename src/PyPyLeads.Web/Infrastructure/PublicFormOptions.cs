namespace PyPyLeads.Web.Infrastructure;

/// <summary>The <c>PublicForm</c> settings: the public invitation page's limit.</summary>
public sealed class PublicFormOptions
{
    public const string Section = "PublicForm";

    /// <summary>Invitation requests allowed per client address per hour: a company sends one, maybe a correction.</summary>
    public int PermitsPerHour { get; set; } = 5;

    public IEnumerable<string> Problems()
    {
        if (PermitsPerHour < 1)
        {
            yield return $"PublicForm:PermitsPerHour must be at least 1 (it is {PermitsPerHour}).";
        }
    }
}
