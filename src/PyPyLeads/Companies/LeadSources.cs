namespace PyPyLeads.Companies;

public static class LeadSources
{
    public static IReadOnlyList<(LeadSource Value, string Label)> All { get; } =
    [
        (LeadSource.TourStop, "A tour stop"),
        (LeadSource.Email, "E-mail"),
        (LeadSource.Referral, "Referral"),
        (LeadSource.InvitationPage, "The public invitation page"),
        (LeadSource.Other, "Other"),
    ];

    public static string Label(LeadSource source) => All.FirstOrDefault(s => s.Value == source).Label ?? source.ToString();

    /// <summary>Reads a source as a CSV gives it: the enum name or the label, any case ("Tour stop", "e-mail").</summary>
    public static LeadSource? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var simple = new string(text.Where(char.IsLetter).ToArray()).ToLowerInvariant();
        foreach (var (value, label) in All)
        {
            var labelSimple = new string(label.Where(char.IsLetter).ToArray()).ToLowerInvariant();
            if (simple == value.ToString().ToLowerInvariant() || simple == labelSimple || "a" + simple == labelSimple || "the" + simple == labelSimple)
            {
                return value;
            }
        }
        return simple switch
        {
            "tour" or "stop" => LeadSource.TourStop,
            "invitation" or "invitationform" => LeadSource.InvitationPage,
            "mail" => LeadSource.Email,
            _ => null,
        };
    }
}
