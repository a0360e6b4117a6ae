using System.Globalization;
using PyPyLeads.Schedule;
using PyPyLeads.Time;

namespace PyPyLeads.Web.Features.Schedule;

/// <summary>
/// When and where an engagement happens and who from the team goes: the part of the presentation and meeting forms
/// that is checked for clashes. Times are typed in the area's own zone; the rules are in <see cref="WhenAndWhereRules"/>.
/// </summary>
public class WhenAndWhere
{
    public string? Area { get; set; } = TourAreas.BayArea;
    public string? Place { get; set; }
    public DateTime? StartsLocal { get; set; }
    public DateTime? EndsLocal { get; set; }
    public List<int> TeamMemberIds { get; set; } = [];
    /// <summary>Set when the user has seen the clash warnings and books anyway.</summary>
    public bool ConfirmClashes { get; set; }

    public static string LocalInputValue(DateTime? utc, string? area) =>
        utc is { } u && TourAreas.Exists(area)
            ? Zones.ToLocal(u, TourAreas.ZoneOf(area!)).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)
            : "";

    public static string LocalInputValue(DateTime? local) =>
        local?.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) ?? "";
}
