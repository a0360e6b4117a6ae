using PyPyLeads.Schedule;

namespace PyPyLeads.Web.Features.Schedule;

public sealed record TeamMemberChoice(int Id, string Name);

/// <summary>What the when-and-where partial needs: the form, the team to choose from and any clashes found.</summary>
public sealed record EngagementFormView(WhenAndWhere Form, IReadOnlyList<TeamMemberChoice> TeamMembers, IReadOnlyList<Clash> Clashes, string PlaceLabel, string TeamLabel);
