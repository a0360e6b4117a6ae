using Microsoft.EntityFrameworkCore;
using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>The schedule-a-follow-up use case, called directly on a real SQLite file.</summary>
public sealed class ScheduleFollowUpTests : FollowUpUseCaseTests
{
    private Task<Outcome> Schedule(ScheduleFollowUp.Input input, Caller caller) =>
        Run<ScheduleFollowUp>(u => u.RunAsync(input, caller, CancellationToken.None));

    private Task<int> CountAsync() => Rig.DbAsync(db => db.FollowUps.CountAsync());

    [Fact]
    public async Task Anyone_schedules_a_follow_up_for_a_colleague_and_the_timeline_says_who_by_display_name_and_when_in_the_owner_s_zone()
    {
        var due = Now.AddHours(1);

        var outcome = await Schedule(new(Yelp, null, null, Maciej.UserId, due, "Send the slides"), Armin);

        var id = Assert.IsType<Done<ScheduleFollowUp.Scheduled>>(outcome).Value.FollowUpId;
        var row = await FollowUpAsync(id);
        Assert.Equal((Maciej.UserId, Armin.UserId, due, due, "Send the slides", FollowUpState.Scheduled),
            (row.OwnerUserId, row.CreatedByUserId, row.DueAtUtc, row.NextAttemptAtUtc, row.Note, row.State));
        var entry = Assert.Single(await TimelineAsync(id));
        Assert.Equal(("followup.scheduled", "Follow-up for Maciej Fijałkowski, due Wed 2 Mar 2011, 13:00 EST", "Send the slides", "Armin Rigo", Yelp),
            (entry.Kind, entry.Summary, entry.Details, entry.ActorName, entry.CompanyId));
    }

    [Fact]
    public async Task A_follow_up_about_a_deal_keeps_its_subject()
    {
        var outcome = await Schedule(new(Yelp, FollowUpSubjects.Deal, 7, Armin.UserId, Now.AddDays(1), null), Armin);

        var row = await FollowUpAsync(Assert.IsType<Done<ScheduleFollowUp.Scheduled>>(outcome).Value.FollowUpId);
        Assert.Equal((FollowUpSubjects.Deal, (int?)7), (row.SubjectType, row.SubjectId));
    }

    [Theory]
    [InlineData(-1, "Choose a time after now")]
    [InlineData(24 * 300, "before the Eurostars project ends")]
    public async Task A_follow_up_falls_after_now_and_before_the_Eurostars_end(int hoursFromNow, string reason)
    {
        var invalid = Assert.IsType<Invalid>(await Schedule(new(Yelp, null, null, Armin.UserId, Now.AddHours(hoursFromNow), null), Armin));

        var error = Assert.Single(invalid.Errors);
        Assert.Equal(nameof(ScheduleFollowUp.Input.DueAtUtc), error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task A_time_the_form_could_not_read_is_refused_with_the_other_rules_messages()
    {
        var invalid = Assert.IsType<Invalid>(await Schedule(new(Yelp, null, null, "", null, null), Armin));

        Assert.Contains(new FieldError("DueAtUtc", "Enter when to follow up."), invalid.Errors);
        Assert.Contains(new FieldError("OwnerUserId", "Choose who will follow up."), invalid.Errors);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task The_owner_company_and_subject_must_exist()
    {
        var gone = await Rig.CompanyAsync("Gone Inc", c => c.DeletedAtUtc = DateTime.UtcNow);

        var invalid = Assert.IsType<Invalid>(await Schedule(new(gone, "Invoice", null, "no-such-user", Now.AddHours(1), null), Armin));

        Assert.Equal(
            [
                new FieldError("CompanyId", "That company does not exist (or was deleted)."),
                new FieldError("SubjectType", "A follow-up can be about a deal, a meeting or a presentation request."),
                new FieldError("SubjectId", "Say which one."),
                new FieldError("OwnerUserId", FollowUpRules.OwnerNotFromTheList),
            ],
            invalid.Errors);
        Assert.Equal(0, await CountAsync());
    }

    [Theory]
    [InlineData("bell\u0007", "The note contains control characters; remove them.")]
    [InlineData(null, "Keep the note to 2,000 characters.")]
    public async Task A_note_with_control_characters_or_too_long_is_refused(string? note, string message)
    {
        note ??= new string('x', 2001);

        var invalid = Assert.IsType<Invalid>(await Schedule(new(Yelp, null, null, Armin.UserId, Now.AddHours(1), note), Armin));

        Assert.Equal([new FieldError("Note", message)], invalid.Errors);
    }

    [Fact]
    public async Task Hostile_text_in_a_note_is_stored_exactly_as_typed()
    {
        const string hostile = "<script>alert('x')</script> \u202Eטקסט\u202C'; DROP TABLE FollowUps; --\nsecond line\ttab";

        var id = await ScheduledAsync(Armin, Armin, hostile);

        Assert.Equal(hostile, (await FollowUpAsync(id)).Note);
    }
}
