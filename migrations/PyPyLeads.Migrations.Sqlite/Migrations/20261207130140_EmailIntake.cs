using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PyPyLeads.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class EmailIntake : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IntakeMailboxes",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: false),
                    LastUid = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSuccessAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastFailureAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntakeMailboxes", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "IntakeMessages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MessageKey = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    InReplyTo = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    References = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    SenderName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    SenderAddress = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    ForwardedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    Participants = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    SentAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReceivedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: true),
                    SafeHtml = table.Column<string>(type: "TEXT", nullable: true),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TriageReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CompanyId = table.Column<int>(type: "INTEGER", nullable: true),
                    RawWhenUnreadable = table.Column<byte[]>(type: "BLOB", nullable: true),
                    DismissedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntakeMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IntakeMessages_Companies_CompanyId",
                        column: x => x.CompanyId,
                        principalTable: "Companies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "IntakeAttachments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IntakeMessageId = table.Column<long>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntakeAttachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IntakeAttachments_IntakeMessages_IntakeMessageId",
                        column: x => x.IntakeMessageId,
                        principalTable: "IntakeMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IntakeAttachments_IntakeMessageId",
                table: "IntakeAttachments",
                column: "IntakeMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_IntakeMessages_CompanyId",
                table: "IntakeMessages",
                column: "CompanyId");

            migrationBuilder.CreateIndex(
                name: "IX_IntakeMessages_MessageId",
                table: "IntakeMessages",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_IntakeMessages_MessageKey",
                table: "IntakeMessages",
                column: "MessageKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IntakeMessages_State_ReceivedAtUtc",
                table: "IntakeMessages",
                columns: new[] { "State", "ReceivedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IntakeAttachments");

            migrationBuilder.DropTable(
                name: "IntakeMailboxes");

            migrationBuilder.DropTable(
                name: "IntakeMessages");
        }
    }
}
