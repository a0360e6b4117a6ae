using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The edit-a-presentation-request use case, called directly on a real SQLite file.</summary>
public sealed class EditPresentationRequestTests : ScheduleUseCaseTest
{
    private static EditPresentationRequest.Input Edit(int id, long version, string contact = "Jane Q. Doe", string email = "jane@yelp.com", int? audience = 60) =>
        new(id, contact, email, "706 Mission St", "San Francisco", "March 4, afternoon", audience, [Topics.Cpyext], null, null, version);

    private Task<Outcome> Run(EditPresentationRequest.Input input) =>
        Rig.RunAsync<EditPresentationRequest, Outcome>(u => u.RunAsync(input, Coordinator, CancellationToken.None));

    [Fact]
    public async Task Editing_corrects_what_was_asked_keeps_the_company_and_goes_on_the_timeline()
    {
        var id = await Rig.RequestAsync(Coordinator);
        var before = await Rig.PresentationAsync(id);

        Assert.IsType<Done<StatusChange.Changed>>(await Run(Edit(id, before.Version)));

        var after = await Rig.PresentationAsync(id);
        Assert.Equal(("Jane Q. Doe", 60, Topics.Cpyext, before.CompanyId, before.Version + 1),
            (after.ContactName, after.AudienceSize!.Value, after.Topics, after.CompanyId, after.Version));
        var edited = (await Rig.TimelineAsync(nameof(PresentationRequest), id)).Last();
        Assert.Equal(("presentation.edited", "Presentation request details corrected", "Laura Creighton"), (edited.Kind, edited.Summary, edited.ActorName));
    }

    [Fact]
    public async Task An_edit_that_changes_nothing_saves_nothing()
    {
        var id = await Rig.RequestAsync(Coordinator);
        var before = await Rig.PresentationAsync(id);

        Assert.IsType<Done<StatusChange.Changed>>(await Run(Edit(id, before.Version, "Jane Doe", audience: 40) with { Topics = [Topics.JitSpeed] }));

        Assert.Equal(before.Version, (await Rig.PresentationAsync(id)).Version);
        Assert.Single(await Rig.TimelineAsync(nameof(PresentationRequest), id));
    }

    [Fact]
    public async Task A_form_loaded_before_someone_else_s_edit_is_a_conflict_and_saves_nothing()
    {
        var id = await Rig.RequestAsync(Coordinator);
        var loaded = (await Rig.PresentationAsync(id)).Version;
        Assert.IsType<Done<StatusChange.Changed>>(await Run(Edit(id, loaded)));

        var conflict = Assert.IsType<Conflict<StatusChange.Current>>(await Run(Edit(id, loaded, "Someone else")));

        Assert.Equal(("Requested", loaded + 1), (conflict.Current.Status, conflict.Current.Version));
        Assert.StartsWith("Someone changed this request while you were editing it.", conflict.Message, StringComparison.Ordinal);
        Assert.Equal("Jane Q. Doe", (await Rig.PresentationAsync(id)).ContactName);
    }

    [Fact]
    public async Task A_declined_request_can_still_be_corrected()
    {
        var id = await Rig.RequestAsync(Coordinator);
        var version = (await Rig.PresentationAsync(id)).Version;
        Assert.IsType<Done<StatusChange.Changed>>(await Rig.RunAsync<ClosePresentation, Outcome>(u =>
            u.RunAsync(new(id, PresentationStatus.Declined, "No one free", version), Coordinator, CancellationToken.None)));

        Assert.IsType<Done<StatusChange.Changed>>(await Run(Edit(id, version + 1)));
        Assert.Equal("Jane Q. Doe", (await Rig.PresentationAsync(id)).ContactName);
    }

    [Fact]
    public async Task A_bad_e_mail_address_is_refused_beside_its_field()
    {
        var id = await Rig.RequestAsync(Coordinator);

        var invalid = Assert.IsType<Invalid>(await Run(Edit(id, 0, email: "jane at yelp")));

        Assert.Equal([new FieldError("ContactEmail", "This is not an e-mail address.")], invalid.Errors);
        Assert.Equal("jane@yelp.com", (await Rig.PresentationAsync(id)).ContactEmail);
    }

    [Fact]
    public async Task A_request_that_does_not_exist_is_not_found() =>
        Assert.IsType<NotFound>(await Run(Edit(404, 0)));
}
